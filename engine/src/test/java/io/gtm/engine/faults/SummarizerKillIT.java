package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.faults.ServiceCluster.Node;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
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
 * Issue 9, scenario A: two {@code summarizer} processes (gateway and db-writer processes of their
 * own), kill -9 of the one that owns a book in the middle of it. The other takes the book over
 * once the dead owner's heartbeat is stale and finishes it: every chapter stored once, {@code done}
 * with a summary, and the chapters stored before the kill not summarised again (counted at the
 * simulated LLM). {@code DocumentKillIT} covers the one-process case ({@code all}, restarted).
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SummarizerKillIT {
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Simulator.start(vertx, 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    sim.configure("openai", new JsonObject().put("latency_median_ms", 60).put("latency_p99_ms", 150));
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void killNineOfTheSummarizerOwningABookTheOtherFinishesItEveryChapterOnceNoneRedone() throws Exception {
    try (ServiceCluster cluster = ServiceCluster.create(sim, "sumkill")) {
      Map<String, String> fast = Map.of("SUMMARIZER_HEARTBEAT_MS", "500", "SUMMARIZER_STALE_MS", "2000",
          "SUMMARIZER_SCAN_MS", "500", "LLM_RPM", "0");
      cluster.env.putAll(fast);
      Node writer = cluster.node("db-writer", "db-writer");
      cluster.start(writer);
      Node gateway = cluster.node("gateway", "gateway");
      Node s1 = cluster.node("summarizer-1", "summarizer");
      Node s2 = cluster.node("summarizer-2", "summarizer");
      cluster.start(gateway, s1, s2);
      String api = gateway.api();

      String docId = Harness.startDocument(api, Harness.longBook(), "Summarizer%20kill");
      Harness.await("some chapters done", Duration.ofSeconds(120), () -> {
        JsonObject d = Harness.getJson(api + "/api/documents/" + docId);
        return d != null && d.getInteger("chapters_done", 0) >= 8;
      });
      Node owner = s1.process.output().contains("document " + docId + " claimed by") ? s1 : s2;
      Node survivor = owner == s1 ? s2 : s1;
      assertThat(owner.process.output()).as("the owner's log").contains("document " + docId + " claimed by");

      cluster.kill(owner);
      long killedAt = System.nanoTime();
      String where = "document_id = '" + docId + "'";
      int doneAtKill = cluster.count("SELECT count(*) FROM chapters WHERE " + where + " AND status = 'done'");
      // what redoing the chapters stored before the kill would cost: their map, reduce and title calls
      int redoCost = cluster.count("SELECT coalesce(sum(chunks + CASE WHEN chunks > 1 THEN 1 ELSE 0 END + 1), 0)"
          + " FROM chapters WHERE " + where + " AND status = 'done'");
      int callsAtKill = sim.stats("openai").getInteger("requests_total");

      Harness.await("the survivor took the book over", Duration.ofSeconds(60),
          () -> survivor.process.output().contains("document " + docId + " claimed by"));
      long takenOverMs = (System.nanoTime() - killedAt) / 1_000_000;
      Harness.await("a chapter stored after the kill", Duration.ofSeconds(120), () -> {
        try {
          return cluster.count("SELECT count(*) FROM chapters WHERE " + where + " AND status = 'done'") > doneAtKill;
        } catch (Exception e) {
          return false;
        }
      });
      long resumedMs = (System.nanoTime() - killedAt) / 1_000_000;
      JsonObject doc = Harness.awaitFinished(api + "/api/documents/" + docId, Duration.ofMinutes(5));
      long finishedMs = (System.nanoTime() - killedAt) / 1_000_000;

      assertThat(doc.getString("status")).as(doc.encode() + cluster.logs()).isEqualTo("done");
      int total = doc.getInteger("chapters_total");
      assertThat(total).isGreaterThan(doneAtKill);
      assertThat(doc.getInteger("chapters_done")).isEqualTo(total);
      // the table, not the API: every number once, done, with a summary
      assertThat(cluster.count("SELECT count(*) FROM chapters WHERE " + where)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(DISTINCT number) FROM chapters WHERE " + where)).isEqualTo(total);
      assertThat(cluster.count("SELECT count(*) FROM chapters WHERE " + where
          + " AND status = 'done' AND length(trim(summary)) > 0 AND length(trim(title)) > 0")).isEqualTo(total);
      assertThat(cluster.sql("SELECT min(number) || '-' || max(number) FROM chapters WHERE " + where)).isEqualTo("1-" + total);

      int clean = cluster.count("SELECT sum(chunks + CASE WHEN chunks > 1 THEN 1 ELSE 0 END + 1) FROM chapters WHERE " + where);
      int calls = sim.stats("openai").getInteger("requests_total");
      int extra = calls - clean;
      // calls repeated are those in flight at the kill (and answers whose cache rows were not yet
      // committed); redoing the chapters stored before the kill would cost at least redoCost
      assertThat(extra).as("LLM calls beyond a clean run (%d calls), redo of stored chapters would cost %d", clean, redoCost)
          .isGreaterThanOrEqualTo(0).isLessThan(redoCost);
      assertThat(survivor.process.output()).doesNotContain("SEVERE");
      System.out.printf("FAULTS summarizer-kill chapters=%d done_at_kill=%d calls_at_kill=%d calls=%d clean=%d extra=%d"
              + " redo_cost=%d taken_over_ms=%d first_chapter_after_kill_ms=%d finished_after_kill_ms=%d%n",
          total, doneAtKill, callsAtKill, calls, clean, extra, redoCost, takenOverMs, resumedMs, finishedMs);
    }
  }
}
