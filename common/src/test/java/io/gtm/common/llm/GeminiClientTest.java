package io.gtm.common.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class GeminiClientTest {
  private static final String KEY = "AIza-test-gemini-123456";
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

  private GeminiClient client(ProviderSettings settings) {
    return new GeminiClient(new ProviderGate(vertx, settings), sim.baseUrl(), KEY, "gemini-2.5-flash-lite");
  }

  private GeminiClient client() {
    return client(TestProviders.settings("gemini"));
  }

  private static LlmRequest summarize() {
    return LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, "You summarise.",
        "Summarize: The engine reads every chapter. It writes a summary of each one.", new JsonObject(), 200);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  @Test
  void aGenerateContentAnswerSkipsThoughtPartsAndReportsUsage() throws Exception {
    sim.configure("gemini", new JsonObject().put("thought_part", true));
    LlmResponse r = await(client().complete(summarize()));
    assertThat(r.text()).startsWith("The engine reads every chapter");
    assertThat(r.promptTokens()).isPositive();
    assertThat(r.completionTokens()).isPositive();
  }

  @Test
  void aJsonSchemaIsSentAsResponseSchemaAndAnsweredInJson() throws Exception {
    JsonObject schema = new JsonObject().put("type", "object").put("additionalProperties", false)
        .put("properties", new JsonObject().put("confidence_score", new JsonObject().put("type", "number")
            .put("minimum", 0).put("maximum", 1)))
        .put("required", new JsonArray().add("confidence_score"));
    LlmResponse r = await(client().complete(LlmRequest.json(LlmOperations.ANALYZE, "Analyse.", "acme.com",
        new JsonObject(), 100, "analysis", schema)));
    assertThat(new JsonObject(r.text()).getDouble("confidence_score")).isBetween(0.0, 1.0);
    assertThat(GeminiClient.toResponseSchema(schema).containsKey("additionalProperties")).isFalse();
  }

  @Test
  void aBlockedPromptIsAClearTerminalFailure() throws Exception {
    sim.configure("gemini", new JsonObject().put("safety_block_rate", 1.0));
    assertThatThrownBy(() -> await(client().complete(summarize())))
        .isInstanceOf(LlmException.class).hasMessageContaining("prompt blocked: SAFETY")
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue());
    assertThat(sim.stats("gemini").getLong("requests_total")).isEqualTo(1);
  }

  @Test
  void aWrongKeyIsTerminalAndNamesTheVariable() throws Exception {
    sim.configure("gemini", new JsonObject().put("api_keys", new JsonArray().add("another-key")));
    assertThatThrownBy(() -> await(client().complete(summarize())))
        .hasMessageContaining("GEMINI_API_KEY").hasMessageNotContaining(KEY)
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue());
    assertThat(sim.stats("gemini").getLong("requests_total")).isEqualTo(1);
  }

  @Test
  void aPerDayQuotaIsTerminalAndOpensTheBreaker() throws Exception {
    sim.configure("gemini", new JsonObject().put("terminal_quota", true));
    GeminiClient c = client();
    assertThatThrownBy(() -> await(c.complete(summarize())))
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue());
    assertThat(sim.stats("gemini").getLong("requests_total")).isEqualTo(1);
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void aPerMinute429WaitsForTheRetryDelayThenSucceeds() throws Exception {
    sim.configure("gemini", new JsonObject().put("rpm", 1).put("window_ms", 1_200));
    GeminiClient c = client();
    await(c.complete(summarize()));
    long start = System.currentTimeMillis();
    assertThat(await(c.complete(summarize())).text()).isNotEmpty();
    assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(1_000);
    assertThat(sim.stats("gemini").getLong("rate_limited")).isEqualTo(1);
  }

  @Test
  void serverErrorsThenSuccess() throws Exception {
    sim.configure("gemini", new JsonObject().put("error_500_rate", 1.0));
    Future<LlmResponse> call = client(TestProviders.settings("gemini").withTimeout(2_000, 5, new Backoff(300, 300)))
        .complete(summarize());
    long deadline = System.currentTimeMillis() + 5_000;
    // two errors answered, not two requests arrived: the simulator draws a request's fault when it answers
    while (sim.stats("gemini").getJsonObject("by_status", new JsonObject()).getLong("500", 0L) < 2
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    sim.configure("gemini", new JsonObject().put("error_500_rate", 0.0));
    assertThat(await(call).text()).isNotEmpty();
    assertThat(sim.stats("gemini").getJsonObject("by_status").getLong("500")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void malformedAndHungAnswersFailNonTerminal() throws Exception {
    sim.configure("gemini", new JsonObject().put("malformed_rate", 1.0));
    ProviderSettings quick = TestProviders.settings("gemini").withTimeout(300, 1, new Backoff(50, 50));
    assertThatThrownBy(() -> await(client(quick).complete(summarize()))).hasMessageContaining("malformed")
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isFalse());
    sim.configure("gemini", new JsonObject().put("malformed_rate", 0.0).put("hang_rate", 1.0));
    assertThatThrownBy(() -> await(client(quick).complete(summarize()))).hasMessageContaining("no answer within 300 ms");
  }
}
