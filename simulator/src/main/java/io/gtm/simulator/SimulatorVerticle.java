package io.gtm.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wire-compatible stand-ins for every external provider, on their real paths, with latency, sliding-window
 * rate limits and faults. Standalone (no dependency on common), so that common's client tests can run
 * against it. Config: {@code port} (0 = any free port), {@code providers} ({@code {"openai": {knobs}, ...}});
 * without {@code providers}, the environment variable {@code SIMULATOR_CONFIG} (a JSON object, or the path
 * of a file holding one) gives them.
 */
public final class SimulatorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SimulatorVerticle.class);
  public static final int DEFAULT_PORT = 9090;
  static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

  private HttpServer server;
  private Providers providers;

  @Override
  public Future<?> start() {
    try {
      providers = new Providers(providersConfig(config()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Gate gate = new Gate(vertx);
    OpenAiApi openai = new OpenAiApi(providers.get(Providers.OPENAI));
    OpenAiApi geminiCompat = new OpenAiApi(providers.get(Providers.GEMINI));
    GeminiApi gemini = new GeminiApi(providers.get(Providers.GEMINI));
    TavilyApi tavily = new TavilyApi(providers.get(Providers.TAVILY));
    NewsApi news = new NewsApi(providers.get(Providers.NEWSAPI));
    GreenhouseApi greenhouse = new GreenhouseApi(providers.get(Providers.GREENHOUSE));

    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.post("/v1/chat/completions").handler(ctx -> openai.handle(ctx, gate));
    router.post("/chat/completions").handler(ctx -> openai.handle(ctx, gate));
    router.post("/v1beta/openai/chat/completions").handler(ctx -> geminiCompat.handle(ctx, gate));
    router.postWithRegex("/v1(?:beta)?/models/([^/:]+):(?:stream)?[gG]enerateContent").handler(ctx -> gemini.handle(ctx, gate));
    router.post("/search").handler(ctx -> tavily.handle(ctx, gate));
    router.get("/v2/everything").handler(ctx -> news.handle(ctx, gate));
    router.get("/v1/boards/:token/jobs").handler(ctx -> greenhouse.jobs(ctx, gate));
    router.get("/v1/boards/:token/jobs/:id").handler(ctx -> greenhouse.job(ctx, gate));
    router.get("/v1/boards/:token").handler(ctx -> greenhouse.board(ctx, gate));

    router.get("/admin/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/admin/config").handler(ctx -> ctx.json(providers.config()));
    router.put("/admin/config/:provider").handler(this::putConfig);
    router.get("/admin/stats").handler(ctx -> ctx.json(providers.stats()));
    router.get("/admin/stats/:provider").handler(ctx -> {
      String p = ctx.pathParam("provider");
      if (!providers.exists(p)) {
        adminError(ctx, 404, "unknown provider '" + p + "', expected one of " + Providers.NAMES);
      } else {
        ctx.json(providers.get(p).stats());
      }
    });
    router.post("/admin/reset").handler(ctx -> {
      providers.reset();
      ctx.json(new JsonObject().put("status", "reset"));
    });
    router.route().last().handler(ctx -> adminError(ctx, 404, "no simulated endpoint at "
        + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(500, ctx -> {
      log.warn("simulator handler failed on {}: {}", ctx.request().path(), String.valueOf(ctx.failure()));
      if (!ctx.response().headWritten()) adminError(ctx, 500, "simulator failure");
    });

    int port = config().getInteger("port", DEFAULT_PORT);
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(router).listen(port)
        .onSuccess(s -> {
          server = s;
          log.info("provider simulator listening on port {}", s.actualPort());
        });
  }

  private void putConfig(RoutingContext ctx) {
    String p = ctx.pathParam("provider");
    if (!providers.exists(p)) {
      adminError(ctx, 404, "unknown provider '" + p + "', expected one of " + Providers.NAMES);
      return;
    }
    JsonObject knobs;
    try {
      knobs = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      knobs = null;
    }
    if (knobs == null) {
      adminError(ctx, 400, "the body must be a JSON object of knobs");
      return;
    }
    try {
      providers.get(p).configure(knobs);
    } catch (IllegalArgumentException e) {
      adminError(ctx, 400, e.getMessage());
      return;
    }
    ctx.json(providers.get(p).knobs().toJson());
  }

  private static void adminError(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message)).encode());
  }

  private static JsonObject providersConfig(JsonObject config) {
    if (config.getValue("providers") != null) {
      if (!(config.getValue("providers") instanceof JsonObject p)) {
        throw new IllegalArgumentException("providers must be a JSON object");
      }
      return p;
    }
    String env = System.getenv("SIMULATOR_CONFIG");
    if (env == null || env.isBlank()) return null;
    String text = env.trim();
    try {
      if (!text.startsWith("{")) text = Files.readString(Path.of(text));
      JsonObject json = new JsonObject(text);
      return json.getValue("providers") instanceof JsonObject p ? p : json;
    } catch (Exception e) {
      throw new IllegalArgumentException("SIMULATOR_CONFIG: not a JSON object nor a readable JSON file: " + e.getMessage());
    }
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The providers' knobs and counters. */
  public Providers providers() {
    return providers;
  }
}
