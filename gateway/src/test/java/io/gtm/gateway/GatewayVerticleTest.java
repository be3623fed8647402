package io.gtm.gateway;

import static io.gtm.gateway.http.TestHttp.error;
import static io.gtm.gateway.http.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.ReadinessChecks;
import io.gtm.common.test.TestPorts;
import io.gtm.gateway.http.TestHttp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway as deployed by the engine, over real HTTP: health, metrics, errors, CORS, API keys. */
class GatewayVerticleTest {
  static Vertx vertx;
  static TestHttp open;
  static TestHttp keyed;

  @BeforeAll
  static void start() throws Exception {
    vertx = Cluster.start(EngineConfig.of(Map.of()), false).await(10, TimeUnit.SECONDS);
    int openPort = TestPorts.free();
    int keyedPort = TestPorts.free();
    deploy(Map.of("HTTP_PORT", String.valueOf(openPort), "MAX_BODY_BYTES", "4096"));
    deploy(Map.of("HTTP_PORT", String.valueOf(keyedPort), "API_KEYS", "key-one-123456,key-two-654321",
        "CORS_ORIGINS", "https://app.example.com"));
    open = new TestHttp(openPort);
    keyed = new TestHttp(keyedPort);
    GatewayVerticleTest.openPort = openPort;
  }

  static int openPort;

  @Test
  void aClientAskingToUpgradeToCleartextHttp2IsAnsweredInHttp11() throws Exception {
    // the JDK client asks for h2c by default; an upgraded connection once mixed HTTP/1.1 bytes into HTTP/2 frames
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> res = client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + openPort + "/health/live"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    }
  }

  private static void deploy(Map<String, String> cfg) throws Exception {
    vertx.deployVerticle(new GatewayVerticle(),
        new DeploymentOptions().setConfig(EngineConfig.of(cfg).toJson())).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void liveIsUpWithHealthCheckJson() throws Exception {
    HttpResponse<String> res = open.get("/health/live");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(json(res).getString("status")).isEqualTo("UP");
    assertThat(json(res).getString("outcome")).isEqualTo("UP");
  }

  @Test
  void readyListsPostgresRedisAndClusterAndIsDownWithoutDbWriter() throws Exception {
    HttpResponse<String> res = open.get("/health/ready");
    JsonObject body = json(res);
    Map<String, JsonObject> checks = checks(body);
    assertThat(checks).containsKeys("postgres", "redis", "cluster");
    assertThat(checks.get("postgres").getString("status")).isEqualTo("DOWN");
    assertThat(checks.get("redis").getString("status")).isEqualTo("UP");
    assertThat(checks.get("cluster").getJsonObject("data").getJsonArray("members")).hasSize(1);
    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(body.getString("outcome")).isEqualTo("DOWN");
  }

  @Test
  void readyIsUpWhenDbWriterAnswersPostgresAndProviderChecksAppear() throws Exception {
    MessageConsumer<JsonObject> db = vertx.eventBus().consumer(Addresses.DB_HEALTH,
        msg -> msg.reply(new JsonObject().put("status", "UP").put("mode", "postgres")));
    db.completion().await(5, TimeUnit.SECONDS);
    try {
      ReadinessChecks.register("provider.gwtest", () -> new JsonObject().put("status", "UP").put("state", "closed"));
      HttpResponse<String> up = open.get("/health/ready");
      assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
      assertThat(checks(json(up)).get("provider.gwtest").getString("status")).isEqualTo("UP");

      ReadinessChecks.register("provider.gwtest", () -> new JsonObject().put("status", "DOWN").put("state", "open"));
      HttpResponse<String> down = open.get("/health/ready");
      assertThat(down.statusCode()).isEqualTo(503);
      JsonObject provider = checks(json(down)).get("provider.gwtest");
      assertThat(provider.getString("status")).isEqualTo("DOWN");
      assertThat(provider.getJsonObject("data").getString("state")).isEqualTo("open");
    } finally {
      ReadinessChecks.unregister("provider.gwtest");
      db.unregister().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void readyReportsPostgresDownInMemoryMode() throws Exception {
    MessageConsumer<JsonObject> db = vertx.eventBus().consumer(Addresses.DB_HEALTH,
        msg -> msg.reply(new JsonObject().put("status", "UP").put("mode", "memory")));
    db.completion().await(5, TimeUnit.SECONDS);
    try {
      HttpResponse<String> res = open.get("/health/ready");
      JsonObject pg = checks(json(res)).get("postgres");
      assertThat(pg.getString("status")).isEqualTo("DOWN");
      assertThat(pg.getJsonObject("data").getString("mode")).isEqualTo("memory");
    } finally {
      db.unregister().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void metricsServeVertxSeriesInPrometheusText() throws Exception {
    open.get("/health/live");
    HttpResponse<String> res = open.get("/metrics");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
  }

  @Test
  void openApiAndPageAreServed() throws Exception {
    HttpResponse<String> api = open.get("/openapi.yaml");
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body()).startsWith("openapi: 3").contains("/api/research/batch:");
    HttpResponse<String> page = open.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    // every file the page loads is served from the jar too
    java.util.regex.Matcher assets = java.util.regex.Pattern.compile("(?:src|href)=\"([a-z0-9_-]+\\.(?:js|css))\"").matcher(page.body());
    int found = 0;
    while (assets.find()) {
      found++;
      assertThat(open.get("/" + assets.group(1)).statusCode()).as(assets.group(1)).isEqualTo(200);
    }
    assertThat(found).as("the page's script and style sheet").isGreaterThanOrEqualTo(2);
  }

  @Test
  void unknownRouteIsJson404AndWrongMethodJson405() throws Exception {
    HttpResponse<String> res = open.get("/no/such/route");
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(error(res).getString("code")).isEqualTo("not_found");
    HttpResponse<String> wrong = open.post("/health/live", "{}");
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(error(wrong).getString("code")).isEqualTo("method_not_allowed");
  }

  @Test
  void oversizedBodyIsJson413() throws Exception {
    HttpResponse<String> res = open.post("/api/research/batch", "x".repeat(300_000), "Content-Type", "application/json");
    assertThat(res.statusCode()).isEqualTo(413);
    assertThat(error(res).getString("code")).isEqualTo("payload_too_large");
  }

  @Test
  void invalidPercentEscapeIsJson400() throws Exception {
    // raw requests: java.net.URI refuses to send these
    for (String uri : List.of("/api/research/jobs/%zz", "/api/research/jobs/x?offset=%E0%A4%A", "/health/live?x=%", "/%FF")) {
      String answer = TestHttp.raw(open, "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(uri).startsWith("HTTP/1.1 400");
      JsonObject err = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
      assertThat(err.getString("code")).isEqualTo("bad_request");
      assertThat(err.getString("field")).isEqualTo("uri");
    }
  }

  @Test
  void corsPreflightNeedsNoKeyAndAllowsOurHeaders() throws Exception {
    HttpResponse<String> res = keyed.send(keyed.request("/api/research/batch")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,authorization,x-api-key"));
    assertThat(res.statusCode()).isBetween(200, 204);
    assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
    String allowed = res.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase();
    assertThat(allowed).contains("content-type").contains("authorization").contains("x-api-key");
  }

  @Test
  void corsHeaderIsOnResponsesAndErrors() throws Exception {
    HttpResponse<String> ok = open.get("/health/live", "Origin", "https://anywhere.example");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    HttpResponse<String> denied = keyed.get("/api/research/jobs/x", "Origin", "https://app.example.com");
    assertThat(denied.statusCode()).isEqualTo(401);
    assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
  }

  @Test
  void apiKeysAreRequiredOnApiRoutesInEitherHeader() throws Exception {
    HttpResponse<String> none = keyed.get("/api/research/jobs/x");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none).getString("code")).isEqualTo("unauthorized");
    assertThat(keyed.get("/api/research/jobs/x", "Authorization", "Bearer wrong-key-000").statusCode()).isEqualTo(401);
    assertThat(keyed.get("/ws").statusCode()).isEqualTo(401);
    assertThat(keyed.get("/research/batch").statusCode()).isEqualTo(401);

    // a valid key passes auth: the route itself answers (503 here: this test runs no db-writer)
    assertThat(keyed.get("/api/research/jobs/x", "Authorization", "Bearer key-one-123456").statusCode()).isNotEqualTo(401);
    assertThat(keyed.get("/api/research/jobs/x", "X-API-Key", "key-two-654321").statusCode()).isNotEqualTo(401);
    assertThat(keyed.get("/ws?api_key=key-one-123456").statusCode()).isNotEqualTo(401);
    assertThat(keyed.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void unauthorizedAnswerSurvivesAnUnreadLargeBody() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> res = keyed.post("/api/research/batch", "y".repeat(2_000_000), "Content-Type", "application/json");
      assertThat(res.statusCode()).isEqualTo(401);
      assertThat(error(res).getString("code")).isEqualTo("unauthorized");
    }
  }

  private static Map<String, JsonObject> checks(JsonObject body) {
    JsonArray arr = body.getJsonArray("checks", new JsonArray());
    return arr.stream().map(o -> (JsonObject) o)
        .collect(Collectors.toMap(c -> c.getString("id"), c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
  }

}
