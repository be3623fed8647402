package io.gtm.gateway.research;

import static io.gtm.gateway.research.ResearchHttp.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.llm.offline.StrategyTemplates;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The research pipeline with the offline LLM (no key at all), and its metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResearchOfflineTest {
  private Vertx vertx;
  private ResearchHttp http;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    ResearchStack stack = ResearchStack.start(vertx, Map.of()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    http = new ResearchHttp(vertx, stack.port());
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void offlineStrategiesPassTheRulesAndTheScorerFindsTechnologies() throws Exception {
    List<String> domains = IntStream.range(0, 12).mapToObj(i -> "offline" + i + ".com").toList();
    List<JsonObject> events = ResearchHttp.sseEvents(http.post("/api/research/batch/stream", body(domains, "quick")).body());
    JsonObject generated = events.stream().filter(e -> "strategies_generated".equals(e.getString("type"))).findFirst().orElseThrow();
    // the offline provider's answer is accepted as it is (a jobs query needs no company placeholder)
    assertThat(generated.getString("source")).isEqualTo("llm");
    assertThat(generated.getInteger("count"))
        .isEqualTo(StrategyTemplates.generate(ResearchHttp.GOAL, "quick", 6, StrategyTemplates.CHANNELS).size());
    JsonArray results = events.stream().filter(e -> "pipeline_complete".equals(e.getString("type"))).findFirst().orElseThrow()
        .getJsonArray("results");
    assertThat(results).hasSize(12);
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      assertThat(r.getJsonObject("findings").getJsonArray("technologies")).as(r.getString("domain")).isNotEmpty();
      assertThat(r.getInteger("evidence_sources")).isPositive();
    }
    assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("completed");
  }

  @Test
  void everySearchIsCountedOnceAndTheResearchSeriesExist() throws Exception {
    double requests = http.metric("gtm_search_requests_total");
    double latencies = http.metric("gtm_search_latency_seconds_count");
    double units = http.metric("gtm_units_total", "kind=\"search\"");
    double analyses = http.metric("gtm_units_total", "kind=\"analysis\"");
    double done = http.metric("gtm_jobs_completed_total", "kind=\"research\"", "outcome=\"done\"");
    double strategiesStage = http.metric("gtm_stage_seconds_count", "pipeline=\"research\"", "stage=\"strategies\"");
    List<String> domains = IntStream.range(0, 10).mapToObj(i -> "metricco" + i + ".com").toList();
    JsonObject batch = http.post("/api/research/batch", body(domains, "quick")).json();
    long searches = batch.getLong("total_searches_executed");
    assertThat(searches).isPositive();
    assertThat(http.metric("gtm_search_requests_total") - requests).isEqualTo(searches);
    assertThat(http.metric("gtm_search_latency_seconds_count") - latencies).isEqualTo(searches);
    assertThat(http.metric("gtm_units_total", "kind=\"search\"") - units).isEqualTo(searches);
    assertThat(http.metric("gtm_units_total", "kind=\"analysis\"") - analyses).isEqualTo(10);
    assertThat(http.metric("gtm_jobs_completed_total", "kind=\"research\"", "outcome=\"done\"") - done).isEqualTo(1);
    assertThat(http.metric("gtm_stage_seconds_count", "pipeline=\"research\"", "stage=\"strategies\"") - strategiesStage).isEqualTo(1);
    for (String stage : List.of("search", "analysis")) {
      assertThat(http.metric("gtm_stage_seconds_count", "pipeline=\"research\"", "stage=\"" + stage + "\"")).isPositive();
    }
    assertThat(http.metric("gtm_jobs_active", "kind=\"research\"")).isZero();
    assertThat(http.metric("gtm_job_idle_seconds", "kind=\"research\"")).isZero();
    // failure series a dashboard reads exist before any failure
    assertThat(http.metric("gtm_jobs_completed_total", "kind=\"research\"", "outcome=\"failed\"")).isGreaterThanOrEqualTo(0);
    assertThat(http.metric("gtm_units_total", "kind=\"search\"", "outcome=\"failure\"")).isGreaterThanOrEqualTo(0);
    assertThat(http.metric("gtm_search_requests_total", "channel=\"news_search\"", "outcome=\"failure\"")).isGreaterThanOrEqualTo(0);
    for (String channel : List.of("google_search", "news_search", "jobs_search")) {
      assertThat(http.metric("gtm_search_latency_seconds_bucket", "channel=\"" + channel + "\"")).isPositive();
    }
  }
}
