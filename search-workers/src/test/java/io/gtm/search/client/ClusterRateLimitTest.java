package io.gtm.search.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchTask;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.gtm.common.resilience.TestProviders;
import io.gtm.simulator.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two engines (each its own Vert.x, client and limiter) sharing one Redis limit against one provider. */
class ClusterRateLimitTest {
  private final Vertx simVertx = Vertx.vertx();
  private final Vertx engineA = Vertx.vertx();
  private final Vertx engineB = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : List.of(engineA, engineB, simVertx)) {
      v.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void twoEnginesSharingRedisNeverExceedTheProvidersLimitAndGetNo429() throws Exception {
    int rpm = 10;
    long window = 2_000;
    long pad = 1_000;
    Simulator sim = Simulator.start(simVertx, 0).await(10, TimeUnit.SECONDS);
    sim.configure("tavily", new JsonObject().put("rpm", rpm).put("window_ms", window)
        .put("latency_median_ms", 5).put("latency_p99_ms", 30));
    String prefix = "test:" + UUID.randomUUID() + ":";
    ProviderSettings s = TestProviders.settings("tavily").withLimits(rpm, 0, window).withWindowPad(pad).withRedis(TestProviders.REDIS, prefix);
    TavilyClient a = new TavilyClient(new ProviderGate(engineA, s), sim.baseUrl(), "tvly-a-123456");
    TavilyClient b = new TavilyClient(new ProviderGate(engineB, s), sim.baseUrl(), "tvly-b-123456");
    List<Future<List<Evidence>>> calls = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      SearchTask t = new SearchTask("j", "acme.com", "Acme", "google_search", "acme.com " + i, "quick", 10);
      calls.add(a.search(t));
      calls.add(b.search(t));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);
    long elapsed = System.currentTimeMillis() - start;
    JsonObject stats = sim.stats("tavily");
    assertThat(stats.getLong("rate_limited")).isZero();
    assertThat(stats.getLong("max_window_requests")).isLessThanOrEqualTo(rpm);
    assertThat(stats.getLong("requests_total")).isEqualTo(40);
    // 40 requests at 10 per window of 2 s + 1 s pad (the pad covers the gap between a permit and the
    // request's arrival, which grows on a busy machine): three full waits, and the limit is used
    assertThat(elapsed).isBetween(3 * (window + pad) - 100, 5 * (window + pad));
  }
}
