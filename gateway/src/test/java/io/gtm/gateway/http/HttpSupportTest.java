package io.gtm.gateway.http;

import static io.gtm.gateway.http.TestHttp.error;
import static io.gtm.gateway.http.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.test.TestPorts;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The helpers route handlers use, through a real server built like the gateway's
 * ({@link ApiRouter}) with test routes mounted the way the API parts mount theirs.
 */
class HttpSupportTest {
  static Vertx vertx;
  static TestHttp http;
  static TestHttp keyed;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    EngineConfig cfg = EngineConfig.of(Map.of("API_JOBS_PER_MINUTE", "2"));
    Readiness readiness = new Readiness(vertx, cfg);
    Router router = ApiRouter.create(vertx, cfg, readiness);
    router.post("/api/test/echo").handler(ctx -> {
      JsonObject body = HttpSupport.bodyJson(ctx);  // throws: the failure handler answers
      HttpSupport.json(ctx, 200, body.put("owner", HttpSupport.owner(ctx)));
    });
    router.post("/api/test/start").handler(ctx -> {
      try {
        HttpSupport.acquireJobSlot(ctx);
        HttpSupport.json(ctx, 202, new JsonObject().put("started", true));
      } catch (ApiException e) {
        HttpSupport.fail(ctx, e);
      }
    });
    router.get("/api/test/bus/:address").handler(ctx -> HttpSupport.respond(ctx, 200,
        vertx.eventBus().request(ctx.pathParam("address"), new JsonObject(),
            new DeliveryOptions().setSendTimeout(300)).map(m -> m.body())));
    router.get("/api/test/crash").handler(ctx -> {
      throw new IllegalStateException("secret internal detail");
    });
    vertx.eventBus().<JsonObject>consumer("test.invalid", m -> m.fail(ErrorCode.VALIDATION.code(), "domain is bad"));
    vertx.eventBus().<JsonObject>consumer("test.silent", m -> { });
    vertx.eventBus().<JsonObject>consumer("test.ok", m -> m.reply(new JsonObject().put("ok", true)));
    int port = TestPorts.free();
    vertx.createHttpServer().requestHandler(ApiRouter.requestHandler(ApiRouter.finish(router)))
        .listen(port).await(10, TimeUnit.SECONDS);
    http = new TestHttp(port);

    EngineConfig keyedCfg = EngineConfig.of(Map.of("API_KEYS", "alpha-key-1,beta-key-2"));
    Router keyedRouter = ApiRouter.create(vertx, keyedCfg, new Readiness(vertx, keyedCfg));
    keyedRouter.get("/api/test/job/:owner").handler(ctx -> HttpSupport.json(ctx, 200, new JsonObject()
        .put("owner", HttpSupport.owner(ctx))
        .put("may_access", HttpSupport.mayAccess(ctx, ctx.pathParam("owner")))));
    int keyedPort = TestPorts.free();
    vertx.createHttpServer().requestHandler(ApiRouter.requestHandler(ApiRouter.finish(keyedRouter)))
        .listen(keyedPort).await(10, TimeUnit.SECONDS);
    keyed = new TestHttp(keyedPort);
  }

  @Test
  void ownerIsPerKeyAndJobsArePrivateToTheirKey() throws Exception {
    JsonObject alpha = json(keyed.get("/api/test/job/x", "Authorization", "Bearer alpha-key-1"));
    JsonObject alphaAgain = json(keyed.get("/api/test/job/x", "X-API-Key", "alpha-key-1"));
    JsonObject beta = json(keyed.get("/api/test/job/x", "X-API-Key", "beta-key-2"));
    assertThat(alpha.getString("owner")).isEqualTo(alphaAgain.getString("owner")).isNotEqualTo(beta.getString("owner"));
    assertThat(alpha.getString("owner")).doesNotContain("alpha");
    String alphaOwner = alpha.getString("owner");
    assertThat(json(keyed.get("/api/test/job/" + alphaOwner, "X-API-Key", "alpha-key-1")).getBoolean("may_access")).isTrue();
    assertThat(json(keyed.get("/api/test/job/" + alphaOwner, "X-API-Key", "beta-key-2")).getBoolean("may_access")).isFalse();
    // open API: every caller may see every job
    assertThat(json(http.post("/api/test/echo", "{}")).getString("owner")).matches("[0-9a-f]{64}");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void bodyJsonReturnsTheObjectAndOwnerIsAHash() throws Exception {
    HttpResponse<String> res = http.post("/api/test/echo", "{\"a\":1}", "Content-Type", "application/json");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(json(res).getInteger("a")).isEqualTo(1);
    assertThat(json(res).getString("owner")).matches("[0-9a-f]{64}");
  }

  @Test
  void malformedJsonIs400NamingBody() throws Exception {
    for (String bad : new String[] {"{\"a\":", "[1,2]", "not json", ""}) {
      HttpResponse<String> res = http.post("/api/test/echo", bad, "Content-Type", "application/json");
      assertThat(res.statusCode()).as(bad).isEqualTo(400);
      assertThat(error(res).getString("field")).isEqualTo("body");
      assertThat(error(res).getString("code")).isEqualTo("bad_request");
    }
  }

  @Test
  void eventBusFailuresMapToTheirStatus() throws Exception {
    HttpResponse<String> invalid = http.get("/api/test/bus/test.invalid");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(error(invalid).getString("code")).isEqualTo("validation_failed");
    assertThat(error(invalid).getString("message")).isEqualTo("domain is bad");

    HttpResponse<String> none = http.get("/api/test/bus/test.nobody");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(error(none).getString("code")).isEqualTo("unavailable");

    HttpResponse<String> slow = http.get("/api/test/bus/test.silent");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(error(slow).getString("code")).isEqualTo("timeout");

    assertThat(json(http.get("/api/test/bus/test.ok")).getBoolean("ok")).isTrue();
  }

  @Test
  void unexpectedExceptionIs500WithoutDetails() throws Exception {
    HttpResponse<String> res = http.get("/api/test/crash");
    assertThat(res.statusCode()).isEqualTo(500);
    assertThat(error(res).getString("code")).isEqualTo("internal_error");
    assertThat(res.body()).doesNotContain("secret internal detail").doesNotContain("at io.gtm");
  }

  @Test
  void jobQuotaAnswers429WithRetryAfterBeyondTheLimit() throws Exception {
    assertThat(http.post("/api/test/start", "{}").statusCode()).isEqualTo(202);
    assertThat(http.post("/api/test/start", "{}").statusCode()).isEqualTo(202);
    HttpResponse<String> third = http.post("/api/test/start", "{}");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(error(third).getString("code")).isEqualTo("rate_limited");
    assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
  }
}
