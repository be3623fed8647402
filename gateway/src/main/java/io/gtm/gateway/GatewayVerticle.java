package io.gtm.gateway;

import io.gtm.common.Ping;
import io.gtm.common.config.EngineConfig;
import io.gtm.gateway.http.ApiRouter;
import io.gtm.gateway.http.EventLoops;
import io.gtm.gateway.http.Readiness;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REST + SSE + WebSocket API, health, metrics, OpenAPI document and the web page. Shared handlers
 * (CORS, API keys, body limit, JSON errors) come from {@link ApiRouter}; each part of the API
 * mounts its own routes between {@link ApiRouter#create} and {@link ApiRouter#finish}.
 *
 * <p>The event loop serving HTTP does only that: research jobs are coordinated on the other loops
 * (see {@code research.JobContexts}), and when the process runs other services too, the server is
 * placed on the event loop fewest of their verticles share ({@link #GatewayVerticle(Collection)}),
 * so that a liveness probe does not queue behind searches, analyses or database writes.
 */
public final class GatewayVerticle extends VerticleBase {
  public static final String SERVICE = "gateway";
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  /** The event-loop threads of the other services' verticles in this process (one entry each). */
  private final Collection<Thread> busyLoops;
  private HttpServer server;
  private Readiness readiness;
  private io.gtm.gateway.research.ResearchRoutes research;

  public GatewayVerticle() {
    this(List.of());
  }

  /**
   * @param busyLoops the event-loop threads of the other services' verticles in this process, read
   *                  when the verticle starts: the HTTP server avoids them where it can, and adds
   *                  its own (a further gateway instance avoids it too); a mutable, thread-safe
   *                  collection, or an empty one for no placement
   */
  public GatewayVerticle(Collection<Thread> busyLoops) {
    this.busyLoops = busyLoops;
  }

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    readiness = new Readiness(vertx, cfg);
    Router router = ApiRouter.create(vertx, cfg, readiness);
    // each part of the API mounts its own routes; see research/, documents/, reports/
    research = new io.gtm.gateway.research.ResearchRoutes(vertx, cfg);
    return httpContext().compose(http -> {
      Future<Void> parts = Future.all(
          research.mount(router, http),
          new io.gtm.gateway.documents.DocumentRoutes(vertx, cfg).mount(router),
          new io.gtm.gateway.reports.ReportRoutes(vertx, cfg).mount(router)).mapEmpty();
      return parts.compose(v -> EventLoops.onContext(vertx, http, () -> vertx.createHttpServer(serverOptions(cfg))
          .requestHandler(ApiRouter.requestHandler(ApiRouter.finish(router)))
          .invalidRequestHandler(ApiRouter.invalidRequestHandler())
          .listen(cfg.getInt("HTTP_PORT"))));
    })
        .onSuccess(s -> server = s)
        .compose(s -> Ping.register(vertx, SERVICE));
  }

  /**
   * This verticle's context, unless other services' verticles share its event loop and another
   * loop has fewer of them: then a context on that loop (the server listens there).
   */
  private Future<Context> httpContext() {
    if (busyLoops.isEmpty()) {
      return Future.succeededFuture(context);
    }
    return EventLoops.loopOf(vertx, context).compose(own -> EventLoops.contexts(vertx).map(byLoop -> {
      Context best = context;
      Thread bestLoop = own;
      for (Map.Entry<Thread, Context> e : byLoop.entrySet()) {
        if (count(e.getKey()) < count(bestLoop)) {
          best = e.getValue();
          bestLoop = e.getKey();
        }
      }
      if (best != context) {
        log.debug("HTTP served on an event loop shared by {} other service verticle(s) instead of {}",
            count(bestLoop), count(own));
      }
      // a further gateway instance of this process serves HTTP on another loop where it can
      busyLoops.add(bestLoop);
      return best;
    }));
  }

  private long count(Thread loop) {
    return busyLoops.stream().filter(t -> t == loop).count();
  }

  /** HTTP/1.1; WebSocket frames and messages bounded by {@code WS_MAX_MESSAGE_BYTES}; a closing handshake waits at most 5 s. */
  static HttpServerOptions serverOptions(EngineConfig cfg) {
    int maxMessage = cfg.getInt("WS_MAX_MESSAGE_BYTES");
    // HTTP/1.1 only: a client's h2c upgrade (the JDK client asks by default) is not taken up; an
    // upgraded connection now and then got HTTP/1.1 bytes the client read as an HTTP/2 frame
    return new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setMaxWebSocketFrameSize(maxMessage).setMaxWebSocketMessageSize(maxMessage)
        .setWebSocketClosingTimeout(5);
  }

  @Override
  public Future<?> stop() {
    // research jobs coordinated here are handed back first (another gateway takes them over)
    Future<Void> handedBack = research == null ? Future.succeededFuture() : research.stop();
    return handedBack.eventually(() -> readiness == null ? Future.succeededFuture() : readiness.close())
        // a server listening on a context of its own is not closed with the deployment: close it here
        .eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
