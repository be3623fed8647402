package io.gtm.simulator;

import io.gtm.common.config.EngineConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/** Wire-compatible stand-ins for every external provider. Its APIs land with the providers issue. */
public final class SimulatorVerticle extends VerticleBase {
  private HttpServer server;

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    Router router = Router.router(vertx);
    router.get("/admin/health").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
    return vertx.createHttpServer().requestHandler(router).listen(cfg.getInt("SIMULATOR_PORT"))
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
