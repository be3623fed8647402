package io.gtm.gateway;

import io.gtm.common.Ping;
import io.gtm.common.config.EngineConfig;
import io.gtm.gateway.http.ApiRouter;
import io.gtm.gateway.http.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * REST + SSE + WebSocket API, health, metrics, OpenAPI document and the web page. Shared handlers
 * (CORS, API keys, body limit, JSON errors) come from {@link ApiRouter}; each part of the API
 * mounts its own routes between {@link ApiRouter#create} and {@link ApiRouter#finish}.
 */
public final class GatewayVerticle extends VerticleBase {
  public static final String SERVICE = "gateway";

  private HttpServer server;
  private Readiness readiness;
  private io.gtm.gateway.research.ResearchRoutes research;

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    readiness = new Readiness(vertx, cfg);
    Router router = ApiRouter.create(vertx, cfg, readiness);
    // each part of the API mounts its own routes; see research/, documents/, reports/
    research = new io.gtm.gateway.research.ResearchRoutes(vertx, cfg);
    Future<Void> parts = Future.all(
        research.mount(router),
        new io.gtm.gateway.documents.DocumentRoutes(vertx, cfg).mount(router),
        new io.gtm.gateway.reports.ReportRoutes(vertx, cfg).mount(router)).mapEmpty();
    return parts
        .compose(v -> vertx.createHttpServer(serverOptions(cfg))
            .requestHandler(ApiRouter.requestHandler(ApiRouter.finish(router)))
            .invalidRequestHandler(ApiRouter.invalidRequestHandler())
            .listen(cfg.getInt("HTTP_PORT")))
        .onSuccess(s -> server = s)
        .compose(s -> Ping.register(vertx, SERVICE));
  }

  /** WebSocket frames and messages bounded by {@code WS_MAX_MESSAGE_BYTES}; a closing handshake waits at most 5 s. */
  static HttpServerOptions serverOptions(EngineConfig cfg) {
    int maxMessage = cfg.getInt("WS_MAX_MESSAGE_BYTES");
    return new HttpServerOptions().setMaxWebSocketFrameSize(maxMessage).setMaxWebSocketMessageSize(maxMessage)
        .setWebSocketClosingTimeout(5);
  }

  @Override
  public Future<?> stop() {
    // research jobs coordinated here are handed back first (another gateway takes them over)
    Future<Void> handedBack = research == null ? Future.succeededFuture() : research.stop();
    return handedBack.eventually(() -> readiness == null ? Future.succeededFuture() : readiness.close());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
