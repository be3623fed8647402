package io.gtm.gateway.http;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Set;

/**
 * The gateway's router around the API parts. {@link #create} installs what every route shares, in
 * this order: CORS, API key and caller identity (with the job quota), the request body (bounded by
 * {@code MAX_BODY_BYTES}), the JSON failure handler, then health, metrics, OpenAPI and the page.
 * The API parts mount their routes next, and {@link #finish} maps every unhandled status to the
 * JSON error body. {@link #requestHandler} guards the URI before the router sees it.
 */
public final class ApiRouter {
  private static final Set<String> CORS_HEADERS = Set.of(
      "Content-Type", "Authorization", "X-API-Key", "Last-Event-ID", "Accept");
  private static final int[] ERROR_STATUSES = {400, 401, 403, 404, 405, 406, 413, 414, 415, 429, 500, 501, 502, 503, 504};

  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private static JobQuota quota;

  private ApiRouter() {}

  public static Router create(Vertx vertx, EngineConfig cfg, Readiness readiness) {
    Router router = Router.router(vertx);
    router.route().handler(cors(cfg));
    router.route().handler(new ApiKeyAuth(cfg.getList("API_KEYS"), sharedQuota(cfg)));
    // not route().method(..): a method-restricted catch-all would turn every unknown GET into a 405
    BodyHandler body = BodyHandler.create(false).setBodyLimit(cfg.getInt("MAX_BODY_BYTES"));
    router.route().handler(ctx -> {
      if (BODY_METHODS.contains(ctx.request().method())) {
        body.handle(ctx);
      } else {
        ctx.next();
      }
    });
    router.route().failureHandler(HttpSupport::failureHandler);

    router.get("/health/live").handler(readiness.liveHandler());
    router.get("/health/ready").handler(readiness.readyHandler());
    router.get("/metrics").handler(ctx -> scrape(vertx, ctx));
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml").sendFile("openapi.yaml"));
    StaticHandler page = StaticHandler.create("webroot").setIndexPage("index.html");
    router.get("/").handler(page);
    router.get("/assets/*").handler(page);
    // the page's own files sit next to index.html (app.js, style.css)
    router.getWithRegex("/[A-Za-z0-9_-]+\\.(js|css|png|svg|ico)").handler(page);
    return router;
  }

  /**
   * The Prometheus text of the registry, rendered on a worker thread: a scrape formats every meter
   * (histograms sorted), tens of milliseconds that would otherwise hold the event loop serving HTTP.
   * It is kept in 64 kB buffers ({@link BufferChunks}), never as one string of the whole text.
   */
  private static void scrape(Vertx vertx, io.vertx.ext.web.RoutingContext ctx) {
    vertx.executeBlocking(() -> {
      BufferChunks text = new BufferChunks();
      Metrics.registry().scrape(text);
      return text;
    }, false)
        .onSuccess(text -> text.send(ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")))
        .onFailure(ctx::fail);
  }

  /** After the API parts: every status nobody answered (404, 405, ...) becomes the JSON error body. */
  public static Router finish(Router router) {
    for (int status : ERROR_STATUSES) {
      router.errorHandler(status, HttpSupport::failureHandler);
    }
    return router;
  }

  /**
   * For requests the HTTP decoder refused (URI over 4 KiB: 414, headers over 8 KiB: 431, a bad
   * request line: 400): the JSON error body instead of Vert.x's empty answer.
   */
  public static Handler<HttpServerRequest> invalidRequestHandler() {
    return req -> {
      Throwable cause = req.decoderResult().cause();
      String name = cause == null ? "" : cause.getClass().getSimpleName();
      int status = name.equals("TooLongUriException") || (cause != null && String.valueOf(cause.getMessage()).contains("URI"))
          ? 414 : name.equals("TooLongHttpHeaderException") ? 431 : 400;
      String message = status == 414 ? "request URI too long" : status == 431 ? "request headers too large"
          : "malformed HTTP request";
      HttpSupport.HttpError err = HttpSupport.ofStatus(status, message);
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .putHeader("Connection", "close").end(err.body().encode());
    };
  }

  /** The server's request handler: the URI guard in front of the router. */
  public static Handler<HttpServerRequest> requestHandler(Router router) {
    return new UriGuard(router);
  }

  private static CorsHandler cors(EngineConfig cfg) {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeaders(CORS_HEADERS)
        .exposedHeaders(Set.of("Retry-After", "Location"))
        .maxAgeSeconds(600);
    var origins = cfg.getList("CORS_ORIGINS");
    if (!origins.isEmpty() && !origins.contains("*")) {
      cors.addOrigins(origins);
    }
    return cors;
  }

  /** One job quota per process, shared by every gateway instance (verticle) of it. */
  static synchronized JobQuota sharedQuota(EngineConfig cfg) {
    int limit = cfg.getInt("API_JOBS_PER_MINUTE");
    if (quota == null || quota.perMinute() != limit) {
      quota = new JobQuota(limit);
    }
    return quota;
  }
}
