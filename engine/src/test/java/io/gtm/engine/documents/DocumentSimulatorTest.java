package io.gtm.engine.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.config.EngineConfig;
import io.gtm.summarizer.SummarizerVerticle;
import io.gtm.simulator.Simulator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline against the provider simulator's OpenAI-compatible and Gemini endpoints, through the real clients. */
class DocumentSimulatorTest {
  private Vertx simVertx;
  private Simulator sim;
  private DocumentStack stack;

  @BeforeEach
  void startSimulator() throws Exception {
    simVertx = Vertx.vertx();
    sim = DocumentStack.await(Simulator.start(simVertx, 0));
    JsonObject fast = new JsonObject().put("latency_median_ms", 5).put("latency_p99_ms", 5);
    sim.configure("openai", fast);
    sim.configure("gemini", fast);
  }

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    DocumentStack.await(simVertx.close());
  }

  private Map<String, String> openAiEnv() throws Exception {
    Map<String, String> env = DocumentStack.testEnv();
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", sim.openAiBaseUrl());
    env.put("LLM_API_KEY", "sk-test");
    env.put("LLM_RPM", "0");
    return env;
  }

  private static int requests(JsonObject stats) {
    return stats.getInteger("requests_total", 0);
  }

  @Test
  void aBookAgainstTheSimulatorStaysUnderTheGlobalLimitAndARepeatCostsNoCall() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    stack = DocumentStack.start(openAiEnv(), null);
    String id = stack.upload(book, "GE");
    JsonObject doc = stack.awaitDocument(id, DocumentStack::finished, Duration.ofSeconds(120));
    assertThat(doc.getString("status")).isEqualTo("done");
    assertThat(doc.getInteger("chapters_done")).isEqualTo(59);
    JsonObject stats = sim.stats("openai");
    int total = DocumentPipelineTest.expectedCalls(book).values().stream().mapToInt(Integer::intValue).sum();
    assertThat(requests(stats)).isEqualTo(total).isEqualTo(doc.getInteger("llm_calls"));
    assertThat(stats.getInteger("max_in_flight")).isBetween(2, 4);
    JsonArray chapters = stack.call(HttpMethod.GET, "/api/documents/" + id + "/chapters", null).array();
    assertThat(chapters).allSatisfy(o -> {
      JsonObject c = (JsonObject) o;
      assertThat(c.getString("summary")).isNotBlank();
      assertThat(c.getString("title")).isNotBlank();
      assertThat(c.getString("preview")).isNotBlank();
    });

    JsonObject again = stack.awaitDocument(stack.upload(book, "GE2"), DocumentStack::finished, Duration.ofSeconds(60));
    assertThat(again.getString("status")).isEqualTo("done");
    assertThat(again.getInteger("llm_calls")).isZero();
    assertThat(requests(sim.stats("openai"))).isEqualTo(total);
  }

  @Test
  void twoSummarizersShareOneGlobalLimitAndEachDocumentHasOneOwner() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    Map<String, String> env = openAiEnv();
    stack = DocumentStack.start(env, null);
    // a second summarizer in the same Vert.x: its own node id, the same Redis semaphore and database
    DocumentStack.await(stack.vertx.deployVerticle(new SummarizerVerticle(),
        new DeploymentOptions().setConfig(EngineConfig.of(env).toJson())));
    String second = "CHAPTER I.\n\n" + "Rain fell on the harbour while the boats came in. ".repeat(300)
        + "\n\nCHAPTER II.\n\n" + "At dawn the fishermen counted their nets and their losses. ".repeat(300) + "\n";
    String a = stack.upload(book, "A");
    String b = stack.upload(second, "B");
    JsonObject docA = stack.awaitDocument(a, DocumentStack::finished, Duration.ofSeconds(120));
    JsonObject docB = stack.awaitDocument(b, DocumentStack::finished, Duration.ofSeconds(120));
    assertThat(docA.getString("status")).isEqualTo("done");
    assertThat(docB.getString("status")).isEqualTo("done");
    int expected = DocumentPipelineTest.expectedCalls(book).values().stream().mapToInt(Integer::intValue).sum()
        + DocumentPipelineTest.expectedCalls(second).values().stream().mapToInt(Integer::intValue).sum();
    JsonObject stats = sim.stats("openai");
    // nothing summarised by both (the simulator may also have served other in-work documents of the shared database)
    assertThat(docA.getInteger("llm_calls") + docB.getInteger("llm_calls")).isEqualTo(expected);
    assertThat(requests(stats)).isGreaterThanOrEqualTo(expected);
    assertThat(stats.getInteger("max_in_flight")).isLessThanOrEqualTo(4); // 4 slots each, 4 permits in all
  }

  @Test
  void aFailingPrimaryMovesWorkToTheSecondaryAndItComesBackOnceThePrimaryRecovers() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    Map<String, String> env = openAiEnv();
    env.put("LLM_SECONDARY_PROVIDER", "gemini");
    env.put("GEMINI_BASE_URL", sim.baseUrl());
    env.put("LLM_SECONDARY_API_KEY", "gm-test");
    env.put("BREAKER_MAX_FAILURES", "3");
    env.put("BREAKER_RESET_MS", "300");
    env.put("LLM_ROUTE_MIN_DWELL_S", "1");
    env.put("SUMMARIZER_TASK_ATTEMPTS", "6");
    JsonObject slow = new JsonObject().put("latency_median_ms", 15).put("latency_p99_ms", 15);
    sim.configure("openai", slow.copy().put("error_500_rate", 1.0));
    sim.configure("gemini", slow);
    stack = DocumentStack.start(env, null);
    String id = stack.upload(book, "Routed");

    // the primary fails: work moves to the secondary
    Instant deadline = Instant.now().plusSeconds(60);
    while (requests(sim.stats("gemini")) < 40) {
      assertThat(Instant.now()).isBefore(deadline);
      DocumentStack.await(io.vertx.core.Future.<Void>future(p -> stack.vertx.setTimer(20, t -> p.complete())));
    }
    int primaryFailures = requests(sim.stats("openai"));
    assertThat(primaryFailures).isPositive();
    assertThat(sim.stats("openai").getJsonObject("by_status").getInteger("200", 0)).isZero();
    // the primary recovers: after the dwell, work comes back to it
    sim.configure("openai", new JsonObject().put("error_500_rate", 0.0));
    JsonObject doc = stack.awaitDocument(id, DocumentStack::finished, Duration.ofSeconds(120));
    assertThat(doc.getString("status")).isEqualTo("done");
    assertThat(doc.getInteger("chapters_done")).isEqualTo(59);
    int primaryOk = sim.stats("openai").getJsonObject("by_status").getInteger("200", 0);
    int secondaryAll = requests(sim.stats("gemini"));
    assertThat(primaryOk).as("calls answered by the recovered primary").isGreaterThan(40);
    assertThat(secondaryAll).isGreaterThanOrEqualTo(40);
    // no flapping: the primary saw only a few failed probes while it was down
    assertThat(primaryFailures).isLessThan(40);
  }
}
