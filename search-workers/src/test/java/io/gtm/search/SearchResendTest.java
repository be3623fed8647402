package io.gtm.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.model.SearchTask;
import io.gtm.simulator.Simulator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A search sent again while its first copy is still in flight on the worker (what the coordinator
 * does once a unit's deadline passes while it waits for a rate limit) costs one provider call.
 */
class SearchResendTest {
  private Vertx vertx;
  private Simulator sim;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    // a slow provider: the first copy is still in flight when the second arrives
    JsonObject slow = new JsonObject().put("latency_median_ms", 1500).put("latency_p99_ms", 1500);
    sim = Simulator.start(vertx, new JsonObject().put("port", 0).put("providers", new JsonObject().put("tavily", slow)))
        .await(10, TimeUnit.SECONDS);
    EngineConfig cfg = EngineConfig.of(Map.of("TAVILY_BASE_URL", sim.baseUrl(), "TAVILY_API_KEY", "tvly-test-key-123456",
        "NEWSAPI_BASE_URL", sim.baseUrl(), "NEWSAPI_KEY", "news-test-key-123456", "GREENHOUSE_BASE_URL", sim.baseUrl(),
        "TAVILY_RPM", "0", "NEWSAPI_RPM", "0", "GREENHOUSE_RPM", "0", "PROVIDER_MAX_RETRIES", "0"));
    vertx.deployVerticle(new SearchWorkersVerticle(), new DeploymentOptions().setConfig(cfg.toJson()))
        .await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private Future<JsonObject> send(SearchTask task) {
    return vertx.eventBus().<JsonObject>request(Addresses.search(task.channel()), task.toJson(),
        new DeliveryOptions().setSendTimeout(30_000)).map(Message::body);
  }

  private long calls() {
    return sim.stats("tavily").getLong("requests_total");
  }

  @Test
  void aTaskResentWhileItsFirstCopyIsInFlightCostsOneProviderCallAndBothCopiesAreAnswered() throws Exception {
    SearchTask task = new SearchTask("job-1", "acme-robotics.com", "Acme Robotics", "google_search",
        "acme-robotics.com kubernetes", "quick", 10);
    Future<JsonObject> first = send(task);
    long deadline = System.currentTimeMillis() + 10_000;
    while (sim.stats("tavily").getLong("in_flight") < 1) {
      assertThat(System.currentTimeMillis()).as("first copy reached the provider").isLessThan(deadline);
      Thread.sleep(10); // polling with a deadline
    }
    Future<JsonObject> resent = send(task);
    JsonObject a = first.await(20, TimeUnit.SECONDS);
    JsonObject b = resent.await(20, TimeUnit.SECONDS);
    assertThat(a.getBoolean("failed", false)).as(a.encode()).isFalse();
    assertThat(a.getJsonArray("evidence")).isNotEmpty();
    assertThat(b).isEqualTo(a);
    assertThat(calls()).as("provider calls for the task and its resend").isEqualTo(1);

    // joined only while in flight: the same task once answered, or another task, is a call of its own
    send(task).await(20, TimeUnit.SECONDS);
    send(new SearchTask("job-1", "acme-robotics.com", "Acme Robotics", "google_search", "acme-robotics.com careers",
        "quick", 10)).await(20, TimeUnit.SECONDS);
    assertThat(calls()).isEqualTo(3);
  }
}
