package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.faults.ServiceCluster.Node;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, scenario C: a rolling restart. Every service is its own process (two gateways, so one
 * always serves the API); while a research batch and a book run, each process in turn gets SIGTERM,
 * exits 0, and is started again, the next one only once it is back in the cluster. The gateway
 * that coordinates the research goes last: the other gateway takes the job over. Both jobs finish,
 * every domain and every chapter stored once, every domain announced once.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollingRestartIT {
  static final int COMPANIES = 400;
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    // slow enough providers that both jobs outlast seven restarts
    sim = Harness.simulator(vertx, 600, 1200, 300, 600);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  private record Step(String node, long stopMs, long startMs, long progressMs) {}

  @Test
  void everyServiceRestartedInTurnMidJobBothJobsFinishNothingLostNothingTwice() throws Exception {
    try (ServiceCluster cluster = ServiceCluster.create(sim, "rolling")) {
      cluster.env.putAll(Map.of("RESEARCH_OWNER_RENEW_MS", "1000", "RESEARCH_OWNER_STALE_MS", "4000",
          "RESEARCH_TAKEOVER_SCAN_MS", "1000"));
      cluster.env.putAll(Map.of("SUMMARIZER_HEARTBEAT_MS", "500", "SUMMARIZER_STALE_MS", "3000",
          "SUMMARIZER_SCAN_MS", "500", "LLM_RPM", "0", "LLM_CONCURRENCY", "1",
          "PROVIDER_TIMEOUT_MS", "3000", "PROVIDER_MAX_RETRIES", "2"));
      Node writer = cluster.node("db-writer", "db-writer");
      cluster.start(writer);
      Node gateway1 = cluster.node("gateway-1", "gateway");
      Node gateway2 = cluster.node("gateway-2", "gateway");
      Node queryGen = cluster.node("query-generator", "query-generator");
      Node search = cluster.node("search-workers", "search-workers");
      Node analyzer = cluster.node("analyzer", "analyzer");
      Node summarizer = cluster.node("summarizer", "summarizer");
      cluster.start(gateway1, gateway2, queryGen, search, analyzer, summarizer);

      String researchId = Harness.startResearch(gateway1.api(),
          Harness.researchBody(Harness.domains("rolling", COMPANIES), "standard", 4));
      String docId = Harness.startDocument(gateway1.api(), Harness.longBook(), "Rolling");
      String researchPath = "/api/research/jobs/" + researchId;
      String docPath = "/api/documents/" + docId;
      Harness.await("both jobs under way", Duration.ofSeconds(120), () -> {
        JsonObject r = read(researchPath, gateway1, gateway2);
        JsonObject d = read(docPath, gateway1, gateway2);
        return r != null && r.getInteger("completed_companies", 0) >= 5 && d != null && d.getInteger("chapters_done", 0) >= 1;
      });

      // the coordinator of the research last, so the other gateway has been restarted before it takes over
      List<Step> steps = new ArrayList<>();
      int coordinatorStoppedAt = -1;
      long takeoverMs = -1;
      long t0 = System.nanoTime();
      for (Node n : List.of(queryGen, search, analyzer, summarizer, writer, gateway2, gateway1)) {
        int domainsBefore = completed(researchPath, gateway1, gateway2);
        int chaptersBefore = cluster.count("SELECT count(*) FROM chapters WHERE document_id = '" + docId
            + "' AND status = 'done'");
        boolean isSummarizer = n == summarizer;
        if (isSummarizer) {
          assertThat(read(docPath, gateway1, gateway2).getString("status")).as("book still running at the summarizer's"
              + " restart (make it longer)").isIn("running", "splitting");
        }
        long stopMs = cluster.stop(n);
        assertThat(n.process.output()).as(n.name).contains("shutting down").contains("stopped");
        if (n == gateway1) {
          // the research's coordinator: while it is down, the job goes on only if the other gateway took it over
          coordinatorStoppedAt = domainsBefore;
          long stoppedNs = System.nanoTime();
          int resumeFrom = domainsBefore;
          try {
            Harness.await("the research goes on after its coordinator stopped", Duration.ofSeconds(120),
                () -> completed(researchPath, gateway2) > resumeFrom);
            takeoverMs = (System.nanoTime() - stoppedNs) / 1_000_000;
          } catch (AssertionError e) {
            // reported below with the job's stored state
          }
          steps.add(new Step(n.name, stopMs, cluster.startAgain(n), takeoverMs));
          break;
        }
        long startMs = cluster.startAgain(n);
        long restarted = System.nanoTime();
        // back to work: a domain finished (a chapter, for the summarizer) after the restart
        Harness.await("progress after restarting " + n.name, Duration.ofSeconds(120), () -> {
          if (isSummarizer) {
            try {
              return cluster.count("SELECT count(*) FROM chapters WHERE document_id = '" + docId
                  + "' AND status = 'done'") > chaptersBefore;
            } catch (Exception e) {
              return false;
            }
          }
          return completed(researchPath, gateway1, gateway2) > domainsBefore;
        });
        steps.add(new Step(n.name, stopMs, startMs, (System.nanoTime() - restarted) / 1_000_000));
        JsonObject r = read(researchPath, gateway1, gateway2);
        JsonObject d = read(docPath, gateway1, gateway2);
        assertThat(r.getString("status")).as("research still running after restarting %s (make the batch longer)", n.name)
            .isEqualTo("running");
        if (!isSummarizer && steps.size() < 4) {
          assertThat(d.getString("status")).as("book still running after restarting %s (make it longer)", n.name)
              .isIn("running", "splitting");
        }
      }
      long rollMs = (System.nanoTime() - t0) / 1_000_000;

      JsonObject doc = awaitFinished(docPath, gateway1, gateway2);
      // without a takeover the job stays running for ever: read its state once then
      JsonObject research = takeoverMs >= 0 ? awaitFinished(researchPath, gateway1, gateway2) : read(researchPath, gateway1, gateway2);
      long totalMs = (System.nanoTime() - t0) / 1_000_000;
      String metrics = Harness.text(gateway1.api() + "/metrics") + Harness.text(gateway2.api() + "/metrics");
      String stored = cluster.sql("SELECT status || ' ' || completed_companies || ' ' || coalesce(owner_node, '-')"
          + " FROM research_runs WHERE id = '" + researchId + "'");
      System.out.printf("FAULTS rolling-restart steps=%s roll_ms=%d total_ms=%d completed_at_coordinator_stop=%d research_progress_after_coordinator_stop_ms=%d research=%s document=%s stored_run=%s"
              + " failed_searches_after_restarts=%.0f failed_analyses_after_restarts=%.0f%n",
          steps, rollMs, totalMs, coordinatorStoppedAt, takeoverMs, brief(research), brief(doc), stored,
          Harness.metric(metrics, "gtm_units_total", "kind=\"search\"", "outcome=\"failure\""),
          Harness.metric(metrics, "gtm_units_total", "kind=\"analysis\"", "outcome=\"failure\""));

      String chapters = "FROM chapters WHERE document_id = '" + docId + "'";
      assertThat(doc).as("the book finished" + cluster.logs()).isNotNull();
      assertThat(doc.getString("status")).as(doc.encode()).isEqualTo("done");
      int total = doc.getInteger("chapters_total");
      assertThat(cluster.count("SELECT count(*) " + chapters)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(DISTINCT number) " + chapters)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(*) " + chapters + " AND status = 'done' AND length(trim(summary)) > 0"))
          .isEqualTo(total);

      assertThat(takeoverMs).as("the research went on after its coordinating gateway's restart (stored: %s)", stored)
          .isNotNegative();
      assertThat(research).as("the research finished (stored: %s)", stored).isNotNull();
      assertThat(research.getString("status")).as(research.encode()).isEqualTo("done");
      String results = "FROM company_results WHERE run_id = '" + researchId + "'";
      assertThat(cluster.count("SELECT count(*) " + results)).isEqualTo(COMPANIES);
      assertThat(cluster.count("SELECT count(DISTINCT domain) " + results)).isEqualTo(COMPANIES);
      assertThat(cluster.awaitCount("SELECT count(*) FROM job_events WHERE job_id = '" + researchId
          + "' AND type = 'domain_analyzed'", COMPANIES, Duration.ofMinutes(2))).as("domains announced once").isEqualTo(COMPANIES);
      assertThat(cluster.count("SELECT count(DISTINCT data->>'domain') FROM job_events WHERE job_id = '" + researchId
          + "' AND type = 'domain_analyzed'")).isEqualTo(COMPANIES);
    }
  }

  /** The job's state without its results. */
  private static String brief(JsonObject job) {
    return job == null ? null : job.copy().put("results", (Object) null).encode();
  }

  /** The job's JSON from whichever gateway answers. */
  private static JsonObject read(String path, Node... gateways) {
    for (Node g : gateways) {
      if (g.alive()) {
        JsonObject j = Harness.getJson(g.api() + path);
        if (j != null) {
          return j;
        }
      }
    }
    return null;
  }

  private static int completed(String path, Node... gateways) {
    JsonObject r = read(path, gateways);
    return r == null ? -1 : r.getInteger("completed_companies", 0);
  }

  /** The job once final, or null after 5 minutes. */
  private static JsonObject awaitFinished(String path, Node... gateways) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject j = read(path, gateways);
      if (j != null && j.getString("status") != null && Harness.FINAL.contains(j.getString("status"))) {
        return j;
      }
      Thread.sleep(200); // polling with a deadline
    }
    return null;
  }
}
