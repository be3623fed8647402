package io.gtm.common.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.PrometheusRequestHandler;

/**
 * A small HTTP server for processes that serve no API ({@code service NAME} without the gateway):
 * {@code GET /metrics} (Prometheus text of this process) and {@code GET /health/live}, so that
 * Prometheus can scrape every process. Started on {@code METRICS_PORT} when it is not 0.
 */
public final class MetricsServer {
  private MetricsServer() {}

  public static Future<HttpServer> start(Vertx vertx, int port) {
    var metrics = PrometheusRequestHandler.create(Metrics.registry(), "/metrics");
    // HTTP/1.1 only: a client's h2c upgrade (the JDK client asks by default) is not taken up
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(req -> {
      switch (req.path()) {
        case "/metrics" -> metrics.handle(req);
        case "/health/live" -> req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "UP").put("outcome", "UP").encode());
        default -> req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("code", "not_found")
                .put("message", "no route " + req.path())).encode());
      }
    }).listen(port);
  }
}
