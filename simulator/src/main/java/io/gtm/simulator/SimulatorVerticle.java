package io.gtm.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Wire-compatible stand-ins for every external provider. Standalone (no dependency on common),
 * so that common's client tests can run against it. Config: {@code port} (0 = any free port).
 */
public final class SimulatorVerticle extends VerticleBase {
  private HttpServer server;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/admin/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    return vertx.createHttpServer().requestHandler(router).listen(config().getInteger("port", 9090))
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
