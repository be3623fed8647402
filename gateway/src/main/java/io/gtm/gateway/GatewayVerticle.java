package io.gtm.gateway;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** REST + SSE + WebSocket API, health and metrics. */
public final class GatewayVerticle extends VerticleBase {
  public static final String SERVICE = "gateway";
  private HttpServer server;

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(Metrics.registry()));
    // each part of the API mounts its own routes; see research/, documents/, reports/
    Future<Void> parts = Future.all(
        new io.gtm.gateway.research.ResearchRoutes(vertx, cfg).mount(router),
        new io.gtm.gateway.documents.DocumentRoutes(vertx, cfg).mount(router),
        new io.gtm.gateway.reports.ReportRoutes(vertx, cfg).mount(router)).mapEmpty();
    router.get().handler(StaticHandler.create("webroot")); // the web page at /
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "application/json")
        .end(ApiException.errorBody(ErrorCode.NOT_FOUND, "no route " + ctx.request().path(), null).encode()));
    return Future.all(
        parts,
        vertx.createHttpServer().requestHandler(router).listen(cfg.getInt("HTTP_PORT")).onSuccess(s -> server = s),
        Ping.register(vertx, SERVICE));
  }

  public int actualPort() {
    return server.actualPort();
  }
}
