package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A provider's rate limit holds across engine processes: two {@code engine.jar all} processes
 * (separate JVMs, one Redis) each research a batch that needs far more Tavily searches than the
 * limit allows; within the first 60 s window the simulator sees exactly the limit in total (not
 * twice it: the limit is shared) and answers no 429.
 */
class RateLimitProcessesIT {
  static final int RPM = 40;

  @Test
  void twoEngineProcessesTogetherStayWithinTheProvidersLimit() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<EngineProcess> engines = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      Simulator sim = Simulator.start(vertx, 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      sim.configure("tavily", new JsonObject().put("rpm", RPM));
      String cluster = "rl-" + System.nanoTime(); // the Redis key is per cluster name: both engines share it
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int port = TestPorts.free();
        ports.add(port);
        engines.add(EngineProcess.start("ratelimit-" + i, Map.of(
            "HTTP_PORT", String.valueOf(port), "CLUSTER_NAME", cluster, "LLM_PROVIDER", "offline",
            "TAVILY_BASE_URL", sim.baseUrl(), "TAVILY_API_KEY", "tvly-rl", "TAVILY_RPM", String.valueOf(RPM),
            "NEWSAPI_BASE_URL", sim.baseUrl(), "NEWSAPI_KEY", "news-rl", "GREENHOUSE_BASE_URL", sim.baseUrl()), "all"));
      }
      for (int port : ports) {
        awaitUp(http, "http://127.0.0.1:" + port + "/health/live");
      }
      long start = System.currentTimeMillis();
      for (int i = 0; i < 2; i++) {
        int engine = i;
        JsonObject body = new JsonObject().put("research_goal", "Kubernetes adopters")
            .put("company_domains", new JsonArray(IntStream.range(0, 60).mapToObj(d -> "rl" + engine + "-co" + d + ".com").toList()))
            .put("search_depth", "quick").put("max_parallel_searches", 10);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(i) + "/api/research/jobs"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      }
      // both engines have more than RPM searches waiting; wait until the limit is used up
      long deadline = start + 40_000;
      while (sim.stats("tavily").getLong("requests_total") < RPM && System.currentTimeMillis() < deadline) {
        Thread.sleep(200); // polling the simulator's counter with a deadline
      }
      // well inside the first 60 s window: nobody may send more, whichever engine asks
      while (System.currentTimeMillis() < start + 25_000) {
        Thread.sleep(200);
      }
      JsonObject stats = sim.stats("tavily");
      // used (at least 95 %, the contract's figure: on a loaded machine a Redis answer that comes too
      // late spends a slot nobody uses), and never exceeded
      assertThat(stats.getLong("requests_total")).as("the limit is used, and not exceeded")
          .isBetween((long) Math.ceil(RPM * 0.95), (long) RPM);
      assertThat(stats.getLong("max_window_requests")).isLessThanOrEqualTo(RPM);
      assertThat(stats.getLong("rate_limited")).isZero();
    } finally {
      for (EngineProcess e : engines) {
        e.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void awaitUp(HttpClient http, String url) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("engine not up: " + url);
      }
      Thread.sleep(200);
    }
  }
}
