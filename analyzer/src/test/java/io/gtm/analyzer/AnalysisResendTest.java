package io.gtm.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.model.Evidence;
import io.gtm.simulator.Simulator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An analysis sent again while its first copy is still in flight on the analyzer (what the
 * coordinator does once a unit's deadline passes while it waits for the LLM) costs one LLM call.
 */
class AnalysisResendTest {
  private Vertx vertx;
  private Simulator sim;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject slow = new JsonObject().put("latency_median_ms", 1500).put("latency_p99_ms", 1500);
    sim = Simulator.start(vertx, new JsonObject().put("port", 0).put("providers", new JsonObject().put("openai", slow)))
        .await(10, TimeUnit.SECONDS);
    EngineConfig cfg = EngineConfig.of(Map.of("LLM_PROVIDER", "openai", "LLM_BASE_URL", sim.openAiBaseUrl(),
        "LLM_API_KEY", "sk-test", "LLM_RPM", "0", "PROVIDER_MAX_RETRIES", "0"));
    vertx.deployVerticle(new AnalyzerVerticle(), new DeploymentOptions().setConfig(cfg.toJson())).await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private Future<JsonObject> send(String domain) {
    JsonArray evidence = new JsonArray();
    for (Evidence e : List.of(
        new Evidence("https://" + domain + "/blog/k8s", "Moving to Kubernetes", domain + " runs its services on Kubernetes",
            domain, "google_search"),
        new Evidence("https://news.example.com/1", domain + " hires data engineers", "Hiring data engineers for Spark",
            "news.example.com", "news_search"))) {
      evidence.add(e.toJson());
    }
    JsonObject body = new JsonObject().put("research_goal", "companies adopting Kubernetes").put("domain", domain)
        .put("evidence", evidence);
    return vertx.eventBus().<JsonObject>request(Addresses.ANALYZE, body, new DeliveryOptions().setSendTimeout(30_000))
        .map(Message::body);
  }

  private long calls() {
    return sim.stats("openai").getLong("requests_total");
  }

  @Test
  void anAnalysisResentWhileItsFirstCopyIsInFlightCostsOneLlmCallAndBothCopiesAreAnswered() throws Exception {
    Future<JsonObject> first = send("acme-robotics.com");
    long deadline = System.currentTimeMillis() + 10_000;
    while (sim.stats("openai").getLong("in_flight") < 1) {
      assertThat(System.currentTimeMillis()).as("first copy reached the LLM").isLessThan(deadline);
      Thread.sleep(10); // polling with a deadline
    }
    Future<JsonObject> resent = send("acme-robotics.com");
    JsonObject a = first.await(20, TimeUnit.SECONDS);
    JsonObject b = resent.await(20, TimeUnit.SECONDS);
    assertThat(a.getString("source")).as(a.encode()).isEqualTo("llm");
    assertThat(b).isEqualTo(a);
    assertThat(calls()).as("LLM calls for the analysis and its resend").isEqualTo(1);

    // joined only while in flight: the same analysis once answered, or another domain's, is a call of its own
    send("acme-robotics.com").await(20, TimeUnit.SECONDS);
    send("other-robotics.com").await(20, TimeUnit.SECONDS);
    assertThat(calls()).isEqualTo(3);
  }
}
