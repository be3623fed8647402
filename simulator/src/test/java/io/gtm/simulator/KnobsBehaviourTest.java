package io.gtm.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KnobsBehaviourTest extends SimulatorTestBase {

  private HttpResponse<Buffer> openai(String key) throws Exception {
    return postJson("/v1/chat/completions", chat("Hello. World."), key == null ? null : "Authorization",
        key == null ? null : "Bearer " + key);
  }

  private HttpResponse<Buffer> gemini(String key) throws Exception {
    JsonObject body = new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("parts",
        new JsonArray().add(new JsonObject().put("text", "Hello.")))));
    return postJson("/v1beta/models/gemini-2.5-flash:generateContent", body, key == null ? null : "x-goog-api-key", key);
  }

  private HttpResponse<Buffer> tavily(String key) throws Exception {
    return postJson("/search", new JsonObject().put("query", "Acme news"), key == null ? null : "Authorization",
        key == null ? null : "Bearer " + key);
  }

  private HttpResponse<Buffer> news(String key) throws Exception {
    return get("/v2/everything?q=acme.com", key == null ? null : "X-Api-Key", key);
  }

  @Test
  void wrongOrMissingKeysGetEachProvidersAuthError() throws Exception {
    for (String p : List.of("openai", "gemini", "tavily", "newsapi")) {
      sim.configure(p, new JsonObject().put("api_keys", new JsonArray().add("good")));
    }
    assertThat(openai("good").statusCode()).isEqualTo(200);
    var bad = openai("sk-wrong-key-123456");
    assertThat(bad.statusCode()).isEqualTo(401);
    JsonObject err = bad.bodyAsJsonObject().getJsonObject("error");
    assertThat(err.getString("code")).isEqualTo("invalid_api_key");
    assertThat(err.getString("type")).isEqualTo("invalid_request_error");
    assertThat(err.fieldNames()).contains("message", "type", "param", "code");
    assertThat(err.getString("message")).doesNotContain("sk-wrong-key-123456");
    assertThat(openai(null).statusCode()).isEqualTo(401);

    var gBad = gemini("nope");
    assertThat(gBad.statusCode()).isEqualTo(400);
    assertThat(gBad.bodyAsJsonObject().getJsonObject("error").getString("status")).isEqualTo("INVALID_ARGUMENT");
    assertThat(gBad.bodyAsString()).contains("API_KEY_INVALID");
    var gMissing = gemini(null);
    assertThat(gMissing.statusCode()).isEqualTo(403);
    assertThat(gMissing.bodyAsJsonObject().getJsonObject("error").getString("status")).isEqualTo("PERMISSION_DENIED");

    var tBad = tavily("tvly-wrong");
    assertThat(tBad.statusCode()).isEqualTo(401);
    assertThat(tBad.bodyAsJsonObject().getJsonObject("detail").getString("error")).contains("API key");

    var nBad = news("wrong");
    assertThat(nBad.statusCode()).isEqualTo(401);
    assertThat(nBad.bodyAsJsonObject().getString("code")).isEqualTo("apiKeyInvalid");
    assertThat(news(null).bodyAsJsonObject().getString("code")).isEqualTo("apiKeyMissing");
  }

  @Test
  void requestBeyondTheLimitIs429WithEachProvidersBodyAndRetryAfter() throws Exception {
    for (String p : Providers.NAMES) sim.configure(p, new JsonObject().put("rpm", 2));
    for (int i = 0; i < 2; i++) {
      assertThat(openai("k").statusCode()).isEqualTo(200);
      assertThat(gemini("k").statusCode()).isEqualTo(200);
      assertThat(tavily("k").statusCode()).isEqualTo(200);
      assertThat(news("k").statusCode()).isEqualTo(200);
    }
    var o = openai("k");
    assertThat(o.statusCode()).isEqualTo(429);
    JsonObject oe = o.bodyAsJsonObject().getJsonObject("error");
    assertThat(oe.getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(oe.getString("type")).isEqualTo("requests");
    assertThat(Integer.parseInt(o.getHeader("retry-after"))).isBetween(55, 60);
    assertThat(Long.parseLong(o.getHeader("retry-after-ms"))).isBetween(50_000L, 60_000L);
    assertThat(o.getHeader("x-ratelimit-limit-requests")).isEqualTo("2");
    assertThat(o.getHeader("x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(o.getHeader("x-ratelimit-reset-requests")).matches("\\d+(\\.\\d+)?s");

    var g = gemini("k");
    assertThat(g.statusCode()).isEqualTo(429);
    JsonObject ge = g.bodyAsJsonObject().getJsonObject("error");
    assertThat(ge.getInteger("code")).isEqualTo(429);
    assertThat(ge.getString("status")).isEqualTo("RESOURCE_EXHAUSTED");
    JsonArray details = ge.getJsonArray("details");
    assertThat(details.getJsonObject(0).getString("@type")).isEqualTo("type.googleapis.com/google.rpc.QuotaFailure");
    assertThat(details.getJsonObject(0).getJsonArray("violations").getJsonObject(0).getString("quotaId"))
        .isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
    JsonObject retry = details.getJsonObject(details.size() - 1);
    assertThat(retry.getString("@type")).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
    assertThat(retry.getString("retryDelay")).matches("\\d+s");

    var t = tavily("k");
    assertThat(t.statusCode()).isEqualTo(429);
    assertThat(t.bodyAsJsonObject().getJsonObject("detail").getString("error")).contains("excessive requests");
    assertThat(t.getHeader("retry-after")).isNotNull();

    var n = news("k");
    assertThat(n.statusCode()).isEqualTo(429);
    assertThat(n.bodyAsJsonObject().getString("code")).isEqualTo("rateLimited");

    assertThat(sim.stats("openai").getLong("rate_limited")).isEqualTo(1);
    assertThat(sim.stats("openai").getJsonObject("by_status").getLong("200")).isEqualTo(2);
  }

  @Test
  void windowSlidesSoARefusedCallSucceedsAfterRetryAfterMs() throws Exception {
    sim.configure("tavily", new JsonObject().put("rpm", 3).put("window_ms", 400));
    for (int i = 0; i < 3; i++) assertThat(tavily("k").statusCode()).isEqualTo(200);
    var refused = tavily("k");
    assertThat(refused.statusCode()).isEqualTo(429);
    long deadline = System.currentTimeMillis() + 5_000;
    int status = 429;
    while (status == 429 && System.currentTimeMillis() < deadline) {
      vertx.timer(50).await(1, TimeUnit.SECONDS);
      status = tavily("k").statusCode();
    }
    assertThat(status).isEqualTo(200);
    JsonObject stats = sim.stats("tavily");
    assertThat(stats.getLong("max_window_accepted")).isEqualTo(3);
    assertThat(stats.getLong("max_window_requests")).isGreaterThanOrEqualTo(4);
    assertThat(stats.getLong("requests_total")).isGreaterThanOrEqualTo(5);
  }

  @Test
  void tokenLimitRefusesAPromptThatWouldPassTheTokensPerMinute() throws Exception {
    sim.configure("openai", new JsonObject().put("tpm", 60));
    String big = "word ".repeat(40); // ~50 tokens
    assertThat(postJson("/v1/chat/completions", chat(big), "Authorization", "Bearer k").statusCode()).isEqualTo(200);
    var r = postJson("/v1/chat/completions", chat(big), "Authorization", "Bearer k");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("tokens");
    assertThat(r.getHeader("x-ratelimit-limit-tokens")).isEqualTo("60");
  }

  @Test
  void terminalQuotaAnswersEachProvidersNonRetryableError() throws Exception {
    for (String p : Providers.NAMES) sim.configure(p, new JsonObject().put("terminal_quota", true));
    var o = openai("k");
    assertThat(o.statusCode()).isEqualTo(429);
    assertThat(o.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("insufficient_quota");
    assertThat(o.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("insufficient_quota");
    var g = gemini("k");
    assertThat(g.statusCode()).isEqualTo(429);
    assertThat(g.bodyAsJsonObject().getJsonObject("error").getJsonArray("details").getJsonObject(0)
        .getJsonArray("violations").getJsonObject(0).getString("quotaId")).contains("PerDay");
    assertThat(tavily("k").statusCode()).isEqualTo(432);
    sim.configure("tavily", new JsonObject().put("terminal_quota_status", 433));
    assertThat(tavily("k").statusCode()).isEqualTo(433);
    var n = news("k");
    assertThat(n.statusCode()).isEqualTo(429);
    assertThat(n.bodyAsJsonObject().getString("code")).isEqualTo("apiKeyExhausted");
  }

  private List<Integer> statusSequence(int n) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var r = news("k");
      boolean parses;
      try {
        r.bodyAsJsonObject();
        parses = true;
      } catch (Exception e) {
        parses = false;
      }
      out.add(r.statusCode() == 200 && !parses ? -200 : r.statusCode());
    }
    return out;
  }

  @Test
  void faultMixIsReproducibleWithASeed() throws Exception {
    JsonObject mix = new JsonObject().put("error_500_rate", 0.2).put("error_503_rate", 0.2)
        .put("malformed_rate", 0.2).put("seed", 7);
    sim.configure("newsapi", mix);
    List<Integer> first = statusSequence(40);
    sim.configure("newsapi", mix);
    List<Integer> second = statusSequence(40);
    assertThat(second).isEqualTo(first);
    assertThat(first).contains(200, 500, 503, -200);
    sim.configure("newsapi", mix.copy().put("seed", 8));
    assertThat(statusSequence(40)).isNotEqualTo(first);
    assertThat(sim.stats("newsapi").getLong("malformed")).isPositive();
  }

  @Test
  void hangKnobNeverAnswersSoTheClientTimeoutFires() throws Exception {
    sim.configure("tavily", new JsonObject().put("hang_rate", 1.0));
    long start = System.currentTimeMillis();
    assertThatThrownBy(() -> client.post(sim.port(), "127.0.0.1", "/search").timeout(300)
        .putHeader("Authorization", "Bearer k").sendJsonObject(new JsonObject().put("query", "Acme"))
        .await(5, TimeUnit.SECONDS)).hasMessageContaining("timeout");
    assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(300);
    assertThat(sim.stats("tavily").getLong("hangs")).isEqualTo(1);
  }

  @Test
  void latencyFollowsTheMedianAndGrowsWithPromptSize() throws Exception {
    sim.configure("openai", new JsonObject().put("latency_median_ms", 80).put("latency_p99_ms", 80));
    long t0 = System.nanoTime();
    openai("k");
    long small = (System.nanoTime() - t0) / 1_000_000;
    assertThat(small).isGreaterThanOrEqualTo(80);
    sim.configure("openai", new JsonObject().put("latency_median_ms", 10).put("latency_p99_ms", 10)
        .put("latency_ms_per_1k_tokens", 200));
    String prompt = "word ".repeat(1600); // ~2,000 tokens -> +400 ms
    long t1 = System.nanoTime();
    postJson("/v1/chat/completions", chat(prompt), "Authorization", "Bearer k");
    assertThat((System.nanoTime() - t1) / 1_000_000).isGreaterThanOrEqualTo(400);
  }

  @Test
  void adminApiUpdatesKnobsPartiallyReportsStatsAndResets() throws Exception {
    var put = client.put(sim.port(), "127.0.0.1", "/admin/config/tavily")
        .sendJsonObject(new JsonObject().put("rpm", 5)).await(5, TimeUnit.SECONDS);
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject().getInteger("rpm")).isEqualTo(5);
    assertThat(put.bodyAsJsonObject().getLong("latency_median_ms")).isZero(); // untouched
    var bad = client.put(sim.port(), "127.0.0.1", "/admin/config/tavily")
        .sendJsonObject(new JsonObject().put("hang_rate", 2)).await(5, TimeUnit.SECONDS);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsString()).contains("hang_rate");
    assertThat(client.put(sim.port(), "127.0.0.1", "/admin/config/bing").sendJsonObject(new JsonObject())
        .await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(404);

    tavily("k");
    JsonObject stats = get("/admin/stats", null, null).bodyAsJsonObject();
    assertThat(stats.fieldNames()).containsExactlyInAnyOrderElementsOf(Providers.NAMES);
    assertThat(stats.getJsonObject("tavily").getLong("requests_total")).isEqualTo(1);
    assertThat(stats.getJsonObject("tavily").getLong("max_in_flight")).isEqualTo(1);
    assertThat(get("/admin/config", null, null).bodyAsJsonObject().getJsonObject("tavily").getInteger("rpm")).isEqualTo(5);

    assertThat(client.post(sim.port(), "127.0.0.1", "/admin/reset").send().await(5, TimeUnit.SECONDS).statusCode())
        .isEqualTo(200);
    assertThat(sim.stats("tavily").getLong("requests_total")).isZero();
    assertThat(sim.config().getJsonObject("tavily").getInteger("rpm")).isZero();
    assertThat(get("/admin/health", null, null).bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Test
  void badKnobsAreRefusedNamingTheKnob() {
    assertThatThrownBy(() -> sim.configure("openai", new JsonObject().put("rpmm", 1))).hasMessageContaining("rpmm");
    assertThatThrownBy(() -> sim.configure("nope", new JsonObject())).hasMessageContaining("nope");
  }

  @Test
  void startUpKnobsComeFromTheVerticleConfigAndBadOnesFailDeployment() throws Exception {
    Simulator other = Simulator.start(vertx, new JsonObject().put("port", 0)
        .put("providers", new JsonObject().put("tavily", new JsonObject().put("rpm", 7))))
        .await(5, TimeUnit.SECONDS);
    assertThat(other.config().getJsonObject("tavily").getInteger("rpm")).isEqualTo(7);
    other.configure("tavily", new JsonObject().put("rpm", 1));
    other.reset();
    assertThat(other.config().getJsonObject("tavily").getInteger("rpm")).isEqualTo(7);
    other.close().await(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> Simulator.start(vertx, new JsonObject().put("port", 0)
        .put("providers", new JsonObject().put("tavily", new JsonObject().put("hang_rate", "often"))))
        .await(5, TimeUnit.SECONDS)).hasMessageContaining("providers.tavily").hasMessageContaining("hang_rate");
  }
}
