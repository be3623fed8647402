package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
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
 * Issue 9, scenario B: every service as its own process; kill -9 of the {@code db-writer} while a
 * research batch and a book are running and rows wait in its batch ({@code DB_BATCH_MS} 2 s), then
 * a new db-writer process. The rows the dead writer never acknowledged are sent again by their
 * senders (research results by the gateway, chapters by the summarizer) and stored once; both jobs
 * finish; every domain has one {@code company_results} row, every chapter one {@code chapters} row.
 * While no writer is up, the gateway answers reads at once: the research it coordinates from its
 * memory, the book (and any job it does not run) with a 503 and {@code Retry-After}.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DbWriterKillIT {
  static final int COMPANIES = 120;
  /** How long the senders may take to resend once the new writer is up (a send timeout, plus backoff). */
  static final Duration RESEND_BOUND = Duration.ofSeconds(45);
  static final long READ_TIMEOUT_MS = 2_000;
  /** A read while no writer answers is answered within this (it waited 30 s, then 504, before). */
  static final long PROMPT_READ_MS = 10_000;
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Harness.simulator(vertx, 300, 600, 80, 200);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  @Test
  void killNineOfTheDbWriterMidBatchUnacknowledgedRowsAreSentAgainAndStoredOnce() throws Exception {
    try (ServiceCluster cluster = ServiceCluster.create(sim, "dbkill")) {
      cluster.env.putAll(Map.of("RESEARCH_OWNER_RENEW_MS", "1000", "RESEARCH_OWNER_STALE_MS", "4000",
          "RESEARCH_TAKEOVER_SCAN_MS", "1000"));
      cluster.env.putAll(Map.of("SUMMARIZER_HEARTBEAT_MS", "500", "SUMMARIZER_STALE_MS", "3000",
          "SUMMARIZER_SCAN_MS", "500", "LLM_RPM", "0", "PROVIDER_TIMEOUT_MS", "3000", "PROVIDER_MAX_RETRIES", "2",
          // rows wait up to 2 s in the writer's batch: a kill always finds some unacknowledged
          "DB_BATCH_MS", "2000", "DB_BATCH_ROWS", "1000", "GATEWAY_READ_TIMEOUT_MS", String.valueOf(READ_TIMEOUT_MS)));
      int writerMetrics = TestPorts.free();
      Node writer = cluster.node("db-writer", "db-writer", Map.of("METRICS_PORT", String.valueOf(writerMetrics)));
      cluster.start(writer);
      Node gateway = cluster.node("gateway", "gateway");
      // a second gateway, which does not coordinate the research: it asks the one that does
      Node otherGateway = cluster.node("gateway2", "gateway");
      cluster.start(gateway, otherGateway, cluster.node("query-generator", "query-generator"),
          cluster.node("search-workers", "search-workers"), cluster.node("analyzer", "analyzer"),
          cluster.node("summarizer", "summarizer"));
      String api = gateway.api();

      String researchId = Harness.startResearch(api, Harness.researchBody(Harness.domains("dbkill", COMPANIES), "standard", 6));
      String docId = Harness.startDocument(api, Harness.longBook(), "Writer%20kill");
      String results = "FROM company_results WHERE run_id = '" + researchId + "'";
      String chapters = "FROM chapters WHERE document_id = '" + docId + "'";
      // mid-job, with rows waiting in the writer's queue
      double[] queued = {0};
      JsonObject[] atKill = new JsonObject[1];
      Harness.await("both jobs under way and rows queued in the writer", Duration.ofSeconds(120), () -> {
        JsonObject r = Harness.getJson(api + "/api/research/jobs/" + researchId);
        JsonObject d = Harness.getJson(api + "/api/documents/" + docId);
        if (r == null || d == null || r.getInteger("completed_companies", 0) < 10 || d.getInteger("chapters_done", 0) < 1) {
          return false;
        }
        atKill[0] = r;
        queued[0] = Harness.metric(Harness.text("http://127.0.0.1:" + writerMetrics + "/metrics"), "gtm_queue_depth",
            "queue=\"db_writer\"");
        return queued[0] > 0;
      });
      cluster.kill(writer);
      long killedAt = System.nanoTime();
      // the last state read before the kill (without a writer the job's page cannot be read)
      JsonObject researchAtKill = atKill[0];
      int completedAtKill = researchAtKill.getInteger("completed_companies");
      int rowsAtKill = cluster.count("SELECT count(*) " + results);
      int chaptersAtKill = cluster.count("SELECT count(*) " + chapters + " AND status = 'done'");
      assertThat(researchAtKill.getString("status")).as("the research was still running at the kill").isEqualTo("running");
      assertThat(rowsAtKill).as("result rows at the kill (the batch must outlast the wait for the book)").isLessThan(COMPANIES - 20);

      // reads while no writer answers: the research this gateway coordinates from its memory, promptly;
      // what it does not coordinate (the book, an unknown job) a prompt 503 with Retry-After, never a hang
      long t0 = System.nanoTime();
      var live = Harness.get(api + "/api/research/jobs/" + researchId);
      long liveReadMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
      JsonObject liveState = new JsonObject(live.body());
      assertThat(liveState.getString("status")).isEqualTo("running");
      assertThat(liveState.getInteger("completed_companies")).isGreaterThanOrEqualTo(completedAtKill);
      assertThat(liveState.getInteger("total_companies")).isEqualTo(COMPANIES);
      assertThat(liveState.getBoolean("results_available")).as(live.body()).isFalse();
      assertThat(liveReadMs).as("live job read with no writer").isLessThan(PROMPT_READ_MS);
      // ... and through the other gateway, which asks the coordinator for it
      long t2 = System.nanoTime();
      var relayed = Harness.get(otherGateway.api() + "/api/research/jobs/" + researchId);
      long relayedReadMs = (System.nanoTime() - t2) / 1_000_000;
      assertThat(relayed.statusCode()).as(relayed.body()).isEqualTo(200);
      JsonObject relayedState = new JsonObject(relayed.body());
      assertThat(relayedState.getString("research_id")).isEqualTo(researchId);
      assertThat(relayedState.getInteger("completed_companies")).isGreaterThanOrEqualTo(completedAtKill);
      assertThat(relayedState.getBoolean("results_available")).as(relayed.body()).isFalse();
      assertThat(relayedReadMs).as("live job read through the other gateway with no writer").isLessThan(PROMPT_READ_MS);
      long unavailableReadMs = 0;
      for (String path : new String[] {"/api/documents/" + docId, "/api/research/jobs/r-unknown"}) {
        long t1 = System.nanoTime();
        var r = Harness.get(api + path);
        long ms = (System.nanoTime() - t1) / 1_000_000;
        unavailableReadMs = Math.max(unavailableReadMs, ms);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unavailable");
        assertThat(r.headers().firstValue("Retry-After")).as(path + " Retry-After").isPresent();
        assertThat(ms).as(path + " read with no writer").isLessThan(PROMPT_READ_MS);
      }

      long restartMs = cluster.startAgain(writer);
      long upAt = System.nanoTime();
      Harness.await("a result row stored by the new writer", Duration.ofMinutes(4), () -> {
        try {
          return cluster.count("SELECT count(*) " + results) > rowsAtKill;
        } catch (Exception e) {
          return false;
        }
      });
      long firstRowMs = (System.nanoTime() - upAt) / 1_000_000;
      Harness.await("a chapter stored by the new writer", Duration.ofMinutes(4), () -> {
        try {
          return cluster.count("SELECT count(*) " + chapters + " AND status = 'done'") > chaptersAtKill;
        } catch (Exception e) {
          return false;
        }
      });
      long firstChapterMs = (System.nanoTime() - upAt) / 1_000_000;
      JsonObject research = Harness.awaitFinished(api + "/api/research/jobs/" + researchId, Duration.ofMinutes(6));
      long researchMs = (System.nanoTime() - killedAt) / 1_000_000;
      long researchAfterUpMs = (System.nanoTime() - upAt) / 1_000_000;
      JsonObject doc = Harness.awaitFinished(api + "/api/documents/" + docId, Duration.ofMinutes(6));
      long docMs = (System.nanoTime() - killedAt) / 1_000_000;

      System.out.printf("FAULTS dbwriter-kill queued_at_kill=%.0f completed_at_kill=%d rows_at_kill=%d chapters_at_kill=%d"
              + " live_read_ms=%d relayed_read_ms=%d unavailable_read_ms=%d writer_restart_ms=%d first_row_after_restart_ms=%d first_chapter_after_restart_ms=%d"
              + " research_done_after_kill_ms=%d document_done_after_kill_ms=%d research=%s rows=%d document=%s%n",
          queued[0], completedAtKill, rowsAtKill, chaptersAtKill, liveReadMs, relayedReadMs, unavailableReadMs, restartMs, firstRowMs, firstChapterMs,
          researchMs, docMs, research.copy().put("results", (Object) null).encode(), cluster.count("SELECT count(*) " + results), doc.encode());
      // measured above with a generous deadline, bounded here: the senders resend within a send timeout
      assertThat(firstRowMs).as("first result row stored after the new writer is up (research writes resent)")
          .isLessThan(RESEND_BOUND.toMillis());
      assertThat(firstChapterMs).as("first chapter stored after the new writer is up (chapter writes resent)")
          .isLessThan(RESEND_BOUND.toMillis());
      // the rest of the batch takes about a minute: it must not also wait for a long send timeout (was 180 s)
      assertThat(researchAfterUpMs).as("research finished after the new writer is up").isLessThan(120_000);
      assertThat(research.getString("status")).as(research.getString("status") + cluster.logs()).isEqualTo("done");
      assertThat(research.getInteger("completed_companies")).isEqualTo(COMPANIES);
      assertThat(cluster.count("SELECT count(*) " + results)).as("company_results rows").isEqualTo(COMPANIES);
      assertThat(cluster.count("SELECT count(DISTINCT domain) " + results)).isEqualTo(COMPANIES);
      assertThat(cluster.sql("SELECT status FROM research_runs WHERE id = '" + researchId + "'")).isEqualTo("done");
      // every domain announced once: the resend stored the row again, it did not count the domain again
      // events are stored behind the job (their writes are resent too): every one arrives, none twice
      String announced = "SELECT count(*) FROM job_events WHERE job_id = '" + researchId + "' AND type = 'domain_analyzed'";
      assertThat(cluster.awaitCount(announced, COMPANIES, Duration.ofMinutes(2))).isEqualTo(COMPANIES);

      assertThat(doc.getString("status")).as(doc.encode() + cluster.logs()).isEqualTo("done");
      int total = doc.getInteger("chapters_total");
      assertThat(cluster.count("SELECT count(*) " + chapters)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(DISTINCT number) " + chapters)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(*) " + chapters + " AND status = 'done' AND length(trim(summary)) > 0"))
          .isEqualTo(total);
    }
  }
}
