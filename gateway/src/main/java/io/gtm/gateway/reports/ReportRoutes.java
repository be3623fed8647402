package io.gtm.gateway.reports;

import io.gtm.common.config.EngineConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The reports routes of the API (ARCHITECTURE.md section 5). */
public final class ReportRoutes {
  private final Vertx vertx;
  private final EngineConfig config;

  public ReportRoutes(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Adds this part's routes to the gateway's router. */
  public Future<Void> mount(Router router) {
    return Future.succeededFuture();
  }
}
