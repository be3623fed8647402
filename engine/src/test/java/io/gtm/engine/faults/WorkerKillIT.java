package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.faults.ServiceCluster.Node;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, scenario D: two {@code search-workers} and two {@code analyzer} processes (gateway,
 * query-generator and db-writer processes of their own); kill -9 of one search-workers (one test)
 * or one analyzer (the other) in the middle of a research batch. The searches and analyses that
 * were in flight on the dead process are sent again to the survivor once their deadline
 * ({@code RESEARCH_UNIT_DEADLINE_MS}) passes: the job finishes with every domain stored once, no
 * search and no analysis counted as failed.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerKillIT {
  static final int COMPANIES = 150;
  static final long UNIT_DEADLINE_MS = 8_000;
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    // analyses take a while, so some are in flight on the analyzer that is killed
    sim = Harness.simulator(vertx, 200, 500, 400, 900);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  @Test
  void killNineOfOneOfTwoSearchWorkersTheJobFinishesEveryDomainOnceNoSearchLost() throws Exception {
    killOneOfTwo("search-workers");
  }

  @Test
  void killNineOfOneOfTwoAnalyzersTheJobFinishesEveryDomainOnceNoAnalysisLost() throws Exception {
    killOneOfTwo("analyzer");
  }

  private void killOneOfTwo(String service) throws Exception {
    sim.reset();
    String tag = service.equals("analyzer") ? "ankill" : "swkill";
    try (ServiceCluster cluster = ServiceCluster.create(sim, tag)) {
      cluster.env.putAll(Map.of("RESEARCH_OWNER_RENEW_MS", "1000", "RESEARCH_OWNER_STALE_MS", "4000",
          "RESEARCH_TAKEOVER_SCAN_MS", "1000"));
      cluster.env.putAll(Map.of("PROVIDER_TIMEOUT_MS", "3000", "PROVIDER_MAX_RETRIES", "2", "LLM_RPM", "0",
          "RESEARCH_UNIT_DEADLINE_MS", String.valueOf(UNIT_DEADLINE_MS),
          // no rate-limit waits: a search queued for a slot longer than the unit deadline would be sent again too
          "TAVILY_RPM", "0", "NEWSAPI_RPM", "0", "GREENHOUSE_RPM", "0"));
      Node writer = cluster.node("db-writer", "db-writer");
      cluster.start(writer);
      Node gateway = cluster.node("gateway", "gateway");
      Node victim = cluster.node(service + "-1", service);
      cluster.start(gateway, victim, cluster.node(service + "-2", service), cluster.node("query-generator", "query-generator"),
          cluster.node(service.equals("analyzer") ? "search-workers" : "analyzer",
              service.equals("analyzer") ? "search-workers" : "analyzer"));
      String api = gateway.api();

      String id = Harness.startResearch(api, Harness.researchBody(Harness.domains(tag, COMPANIES), "standard", 8));
      String url = api + "/api/research/jobs/" + id;
      Harness.await("15 domains done", Duration.ofSeconds(180), () -> {
        JsonObject r = Harness.getJson(url);
        return r != null && r.getInteger("completed_companies", 0) >= 15;
      });
      cluster.kill(victim);
      long killedAt = System.nanoTime();
      JsonObject atKill = Harness.getJson(url);
      assertThat(atKill.getString("status")).as("still running at the kill").isEqualTo("running");
      int completedAtKill = atKill.getInteger("completed_companies");

      // the longest the job went without a finished domain after the kill
      Harness.Watched watched = Harness.watchUntilFinal(url, atKill, Duration.ofMinutes(5));
      JsonObject research = watched.last();
      long longestStallMs = watched.longestStallMs();
      long finishedMs = (System.nanoTime() - killedAt) / 1_000_000;
      String metrics = Harness.text(api + "/metrics");
      double searchFailures = Harness.metric(metrics, "gtm_units_total", "kind=\"search\"", "outcome=\"failure\"");
      double analysisFailures = Harness.metric(metrics, "gtm_units_total", "kind=\"analysis\"", "outcome=\"failure\"");
      long simSearches = sim.stats("tavily").getLong("requests_total", 0L) + sim.stats("newsapi").getLong("requests_total", 0L)
          + sim.stats("greenhouse").getLong("requests_total", 0L);
      long llmCalls = sim.stats("openai").getLong("requests_total", 0L);
      System.out.printf("FAULTS %s-kill companies=%d completed_at_kill=%d status=%s finished_after_kill_ms=%d"
              + " longest_stall_ms=%d failed_searches=%.0f failed_analyses=%.0f simulator_search_calls=%d"
              + " simulator_llm_calls=%d%n",
          service, COMPANIES, completedAtKill, research.getString("status"), finishedMs, longestStallMs, searchFailures, analysisFailures, simSearches, llmCalls);

      assertThat(research.getString("status")).as(research.getString("status") + cluster.logs()).isEqualTo("done");
      String results = "FROM company_results WHERE run_id = '" + id + "'";
      assertThat(cluster.count("SELECT count(*) " + results)).isEqualTo(COMPANIES);
      assertThat(cluster.count("SELECT count(DISTINCT domain) " + results)).isEqualTo(COMPANIES);
      assertThat(cluster.awaitCount("SELECT count(*) FROM job_events WHERE job_id = '" + id + "' AND type = 'domain_analyzed'",
          COMPANIES, Duration.ofMinutes(2))).as("domains announced once").isEqualTo(COMPANIES);
      // the units in flight on the dead process were sent again, not given up
      assertThat(research.getJsonObject("search_performance").getLong("failed_requests")).as("failed searches").isZero();
      assertThat(searchFailures).as("gtm_units_total{kind=search,outcome=failure}").isZero();
      assertThat(analysisFailures).as("gtm_units_total{kind=analysis,outcome=failure}").isZero();
      // re-dispatch waits for the unit deadline, not for the 180 s call timeout
      assertThat(longestStallMs).as("longest time without a finished domain after the kill")
          .isLessThan(UNIT_DEADLINE_MS + 20_000);
    }
  }
}
