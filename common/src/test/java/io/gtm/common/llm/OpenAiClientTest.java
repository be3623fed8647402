package io.gtm.common.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.metrics.Metrics;
import io.gtm.common.resilience.Breakers;
import io.gtm.common.resilience.Backoff;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.gtm.common.resilience.TestProviders;
import io.gtm.simulator.Simulator;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {
  private static final String KEY = "sk-test-openai-123456";
  private Vertx vertx;
  private Simulator sim;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Simulator.start(vertx, 0).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private OpenAiClient client(ProviderSettings settings, String key, boolean stream) {
    return new OpenAiClient(new ProviderGate(vertx, settings), sim.openAiBaseUrl(), key, "gpt-4o-mini", stream);
  }

  private OpenAiClient client() {
    return client(TestProviders.settings("openai"), KEY, false);
  }

  private static LlmRequest summarize() {
    return LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, "You summarise.",
        "Summarize: The engine reads every chapter. It writes a summary of each one. Then it stops.",
        new JsonObject(), 200);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  private JsonObject stats() {
    return sim.stats("openai");
  }

  @Test
  void aCompletionReturnsTheTextAndTheTokenUsage() throws Exception {
    LlmResponse r = await(client().complete(summarize()));
    assertThat(r.text()).contains("The engine reads every chapter");
    assertThat(r.promptTokens()).isPositive();
    assertThat(r.completionTokens()).isPositive();
    assertThat(r.provider()).isEqualTo("openai");
    assertThat(Metrics.registry().scrape()).contains("gtm_llm_tokens_total{direction=\"prompt\",provider=\"openai\"");
  }

  @Test
  void aJsonSchemaRequestGetsJsonOfThatSchema() throws Exception {
    JsonObject schema = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("technologies", new JsonObject().put("type", "array")
            .put("items", new JsonObject().put("type", "string"))))
        .put("required", new JsonArray().add("technologies")).put("additionalProperties", false);
    LlmResponse r = await(client().complete(LlmRequest.json(LlmOperations.ANALYZE, "Analyse.", "acme.com uses Kafka",
        new JsonObject(), 300, "analysis", schema)));
    assertThat(new JsonObject(r.text()).getJsonArray("technologies")).isNotNull();
  }

  @Test
  void aStreamedCompletionIsAssembledToTheSameTextWithUsage() throws Exception {
    LlmResponse plain = await(client().complete(summarize()));
    LlmResponse streamed = await(client(TestProviders.settings("openai"), KEY, true).complete(summarize()));
    assertThat(streamed.text()).isEqualTo(plain.text());
    assertThat(streamed.promptTokens()).isEqualTo(plain.promptTokens());
    assertThat(streamed.completionTokens()).isEqualTo(plain.completionTokens());
  }

  @Test
  void aWrongKeyFailsTerminalAtOnceWithoutTheKeyInTheMessage() throws Exception {
    sim.configure("openai", new JsonObject().put("api_keys", new JsonArray().add("the-right-key")));
    assertThatThrownBy(() -> await(client().complete(summarize())))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue())
        .hasMessageContaining("401").hasMessageContaining("LLM_API_KEY").hasMessageNotContaining(KEY);
    assertThat(stats().getLong("requests_total")).isEqualTo(1);
  }

  @Test
  void a429WithRetryAfterIsRetriedNoSoonerThanAskedThenSucceeds() throws Exception {
    sim.configure("openai", new JsonObject().put("rpm", 1).put("window_ms", 1_500));
    OpenAiClient c = client();
    await(c.complete(summarize()));
    long start = System.currentTimeMillis();
    LlmResponse r = await(c.complete(summarize()));
    long waited = System.currentTimeMillis() - start;
    assertThat(r.text()).isNotEmpty();
    JsonObject s = stats();
    assertThat(s.getLong("rate_limited")).as("one 429: the retry waited for the window").isEqualTo(1);
    assertThat(s.getLong("requests_total")).isEqualTo(3);
    assertThat(waited).isGreaterThanOrEqualTo(1_000);
    assertThat(Metrics.registry().scrape()).contains("gtm_rate_limited_total{provider=\"openai\"");
  }

  @Test
  void theTokenLimitHoldsCallsBackInsteadOfEarning429s() throws Exception {
    sim.configure("openai", new JsonObject().put("tpm", 1_000).put("window_ms", 1_500));
    ProviderSettings s = TestProviders.settings("openai").withLimits(0, 1_000, 1_500).withWindowPad(500);
    OpenAiClient c = client(s, KEY, false);
    LlmRequest big = LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, "s", "Summarize: A short text.", new JsonObject(), 400);
    long start = System.currentTimeMillis();
    java.util.List<Future<LlmResponse>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(c.complete(big));
    }
    Future.all(calls).await(20, TimeUnit.SECONDS);
    // ~415 tokens a call: 2 per window of 1.5 s (+0.5 s pad), so 3 windows, and no 429
    assertThat(stats().getLong("rate_limited")).isZero();
    assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(4_000);
  }

  @Test
  void terminalQuotaIsNotRetriedAndOpensTheBreaker() throws Exception {
    sim.configure("openai", new JsonObject().put("terminal_quota", true));
    OpenAiClient c = client();
    assertThatThrownBy(() -> await(c.complete(summarize())))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue())
        .hasMessageContaining("insufficient_quota");
    assertThat(stats().getLong("requests_total")).isEqualTo(1);
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(Metrics.registry().scrape()).contains("gtm_breaker_state{name=\"openai\",service=\"all\"} 2.0");
    // the next call is refused without reaching the provider
    assertThatThrownBy(() -> await(c.complete(summarize()))).hasMessageContaining("breaker open");
    assertThat(stats().getLong("requests_total")).isEqualTo(1);
  }

  @Test
  void serverErrorsAreRetriedUntilTheProviderRecovers() throws Exception {
    sim.configure("openai", new JsonObject().put("error_503_rate", 1.0));
    ProviderSettings s = TestProviders.settings("openai").withTimeout(2_000, 5, new Backoff(300, 300));
    Future<LlmResponse> call = client(s, KEY, false).complete(summarize());
    long deadline = System.currentTimeMillis() + 5_000;
    // two errors answered, not two requests arrived: the simulator draws a request's fault when it answers
    while (stats().getJsonObject("by_status", new JsonObject()).getLong("503", 0L) < 2
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    sim.configure("openai", new JsonObject().put("error_503_rate", 0.0));
    assertThat(await(call).text()).isNotEmpty();
    JsonObject byStatus = stats().getJsonObject("by_status");
    assertThat(byStatus.getLong("503")).isGreaterThanOrEqualTo(2);
    assertThat(byStatus.getLong("200")).isEqualTo(1);
  }

  @Test
  void aMalformedBodyIsRetriedThenFailsNonTerminal() throws Exception {
    sim.configure("openai", new JsonObject().put("malformed_rate", 1.0));
    assertThatThrownBy(() -> await(client().complete(summarize())))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isFalse())
        .hasMessageContaining("malformed");
    assertThat(stats().getLong("malformed")).isEqualTo(4); // first attempt + 3 retries
  }

  @Test
  void aHungProviderTimesOutInsteadOfHangingTheCall() throws Exception {
    sim.configure("openai", new JsonObject().put("hang_rate", 1.0));
    ProviderSettings s = TestProviders.settings("openai").withTimeout(300, 1, new Backoff(50, 50));
    long start = System.currentTimeMillis();
    assertThatThrownBy(() -> await(client(s, KEY, false).complete(summarize())))
        .isInstanceOf(LlmException.class).hasMessageContaining("no answer within 300 ms");
    assertThat(System.currentTimeMillis() - start).isBetween(600L, 3_000L);
    assertThat(Metrics.registry().scrape())
        .contains("gtm_llm_requests_total{operation=\"summarize_chunk\",outcome=\"timeout\",provider=\"openai\"");
  }

  @Test
  void theBreakerOpensHalfOpensAndClosesWithTheGaugeFollowing() throws Exception {
    sim.configure("openai", new JsonObject().put("error_500_rate", 1.0));
    // open for 2 s: long enough that a starved machine still sees it open right after the third failure
    ProviderSettings s = TestProviders.settings("openai").withTimeout(2_000, 0, new Backoff(50, 50)).withBreaker(3, 2_000);
    OpenAiClient c = client(s, KEY, false);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> await(c.complete(summarize()))).hasMessageContaining("500");
    }
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(gauge()).isEqualTo(2.0);
    long deadline = System.currentTimeMillis() + 10_000;
    while (c.gate().breaker().state() != CircuitBreakerState.HALF_OPEN && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(gauge()).isEqualTo(1.0);
    sim.configure("openai", new JsonObject().put("error_500_rate", 0.0));
    await(c.complete(summarize()));
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(gauge()).isEqualTo(0.0);
    assertThat(Breakers.all()).containsKey("openai");
  }

  private static double gauge() {
    return Metrics.registry().get("gtm.breaker.state").tag("name", "openai").gauge().value();
  }
}
