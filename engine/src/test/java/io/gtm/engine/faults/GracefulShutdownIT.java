package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, graceful shutdown: SIGTERM to an {@code all} engine in the middle of a research batch
 * and a book. It exits 0 within a bound; every domain it had counted as completed is in
 * {@code company_results} (the db-writer was flushed); a new process on the same database finishes
 * the book, every chapter stored once, and takes over the research job the first one handed back.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownIT {
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Harness.simulator(vertx, 150, 400, 60, 150);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  @Test
  void sigtermMidJobExitsZeroFlushesTheWriterAndTheNextProcessFinishesTheBook() throws Exception {
    int port = Harness.freePort();
    Map<String, String> env = Harness.env(sim, port, "sigterm");
    env.put("SUMMARIZER_HEARTBEAT_MS", "500");
    env.put("SUMMARIZER_STALE_MS", "2000");
    env.put("SUMMARIZER_SCAN_MS", "500");
    env.put("DB_BATCH_MS", "1000"); // rows wait in the writer's batch: the stop must flush them
    env.put("DB_BATCH_ROWS", "1000");
    String api = "http://127.0.0.1:" + port;
    String book = Harness.longBook();
    EngineProcess first = Harness.startEngine("sigterm-first", env);
    EngineProcess second = null;
    try {
      String researchId = Harness.startResearch(api, Harness.researchBody(Harness.domains("sigterm", 150), "standard", 10));
      String docId = Harness.startDocument(api, book, "Sigterm");
      Harness.await("some domains and chapters done", Duration.ofSeconds(120), () -> {
        JsonObject r = Harness.getJson(api + "/api/research/jobs/" + researchId);
        JsonObject d = Harness.getJson(api + "/api/documents/" + docId);
        return r != null && r.getInteger("completed_companies", 0) >= 10 && d != null && d.getInteger("chapters_done", 0) >= 1;
      });
      JsonObject researchBefore = Harness.getJson(api + "/api/research/jobs/" + researchId);
      int completedBefore = researchBefore.getInteger("completed_companies");
      assertThat(researchBefore.getString("status")).isEqualTo("running");

      long t0 = System.nanoTime();
      first.process.destroy(); // SIGTERM
      assertThat(first.process.waitFor(45, TimeUnit.SECONDS)).as("exited within 45 s, log %s", first.log).isTrue();
      long stopMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(first.process.exitValue()).as("exit code, log %s", first.log).isZero();
      // what the services log on the way out is kept (the JDK's own hook would reset logging first)
      assertThat(first.output()).as("log %s", first.log).contains("research job " + researchId + " released by");
      assertThat(first.output()).contains("shutting down");

      // the writer was flushed: every domain the job had counted before the signal is stored
      int stored = Integer.parseInt(Harness.sql("SELECT count(*) FROM company_results WHERE run_id = '" + researchId + "'"));
      assertThat(stored).as("company_results rows after SIGTERM vs completed_companies before").isGreaterThanOrEqualTo(completedBefore);
      int chaptersStored = Integer.parseInt(Harness.sql(
          "SELECT count(*) FROM chapters WHERE document_id = '" + docId + "' AND status = 'done'"));

      second = Harness.startEngine("sigterm-second", env);
      long t1 = System.nanoTime();
      JsonObject doc = Harness.awaitFinished(api + "/api/documents/" + docId, Duration.ofMinutes(5));
      long recoverMillis = (System.nanoTime() - t1) / 1_000_000;
      assertThat(doc.getString("status")).as(doc.encode()).isEqualTo("done");
      JsonArray chapters = Harness.getArray(api + "/api/documents/" + docId + "/chapters");
      assertThat(chapters).hasSize(doc.getInteger("chapters_total"));
      assertThat(chapters.stream().map(o -> ((JsonObject) o).getInteger("number")).distinct()).hasSize(chapters.size());
      assertThat(Harness.sql("SELECT count(*) FROM chapters WHERE document_id = '" + docId + "'"))
          .isEqualTo(String.valueOf(chapters.size()));
      // the research job was handed back at the stop: the second engine (same cluster scope) takes it over and finishes it
      JsonObject research = Harness.awaitFinished(api + "/api/research/jobs/" + researchId, Duration.ofMinutes(5));
      assertThat(research.getString("status")).as(research.encode()).isEqualTo("done");
      assertThat(Harness.sql("SELECT count(*) || '/' || count(DISTINCT domain) FROM company_results WHERE run_id = '"
          + researchId + "'")).isEqualTo("150/150");
      String researchStatus = Harness.sql("SELECT status FROM research_runs WHERE id = '" + researchId + "'");
      System.out.printf("FAULTS sigterm stop_ms=%d completed_before=%d stored_after=%d chapters_stored_at_stop=%d/%d"
              + " document_finished_by_second_ms=%d research_status_after=%s%n",
          stopMillis, completedBefore, stored, chaptersStored, chapters.size(), recoverMillis, researchStatus);
    } finally {
      first.close();
      if (second != null) {
        second.process.destroy();
        second.process.waitFor(45, TimeUnit.SECONDS);
        second.close();
      }
    }
  }
}
