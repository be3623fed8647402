package io.gtm.dbwriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.DbQueries;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Writes one of everything, then checks every named query's answer: run against both stores. */
final class NamedQueryScenario {
  private NamedQueryScenario() {}

  /** A run in work is claimed by one node at a time, until its heartbeat is stale; it carries its domains. */
  private static void claims(Vertx vertx, String other, String otherStatus) throws Exception {
    String scope = Db.uniqueId("scope");
    String run = Db.uniqueId("c-run");
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", run).put("status", "running").put("scope", scope)
        .put("domains", "a.com\nb.com").put("searches_executed", 7));
    JsonObject claimable = new JsonObject().put("scope", scope).put("node", "n1").put("stale_ms", 60_000).put("horizon_ms", 3_600_000);
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_CLAIMABLE, claimable)).containsExactly(new JsonObject().put("id", run));
    JsonArray first = Db.query(vertx, DbQueries.RESEARCH_RUN_CLAIM,
        new JsonObject().put("id", run).put("node", "n1").put("stale_ms", 60_000));
    assertThat(first).hasSize(1);
    assertThat(first.getJsonObject(0).getString("domains")).isEqualTo("a.com\nb.com");
    assertThat(first.getJsonObject(0).getLong("searches_executed")).isEqualTo(7L);
    assertThat(first.getJsonObject(0).getString("owner_node")).isEqualTo("n1");
    // the owner renews; another node neither claims it nor sees it as claimable while the heartbeat is fresh
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN_CLAIM,
        new JsonObject().put("id", run).put("node", "n1").put("stale_ms", 60_000))).hasSize(1);
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN_CLAIM,
        new JsonObject().put("id", run).put("node", "n2").put("stale_ms", 60_000))).isEmpty();
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_CLAIMABLE, claimable.copy().put("node", "n2"))).isEmpty();
    // stale (a heartbeat older than 0 ms): n2 takes it over
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", run).put("heartbeat_at", "2024-01-02T03:04:05Z"));
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_CLAIMABLE, claimable.copy().put("node", "n2")))
        .containsExactly(new JsonObject().put("id", run));
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN_CLAIM,
        new JsonObject().put("id", run).put("node", "n2").put("stale_ms", 60_000)).getJsonObject(0).getString("owner_node"))
        .isEqualTo("n2");
    // another scope, a finished run, a run older than the horizon: never claimable
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_CLAIMABLE, claimable.copy().put("scope", scope + "-x").put("node", "n3"))).isEmpty();
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_CLAIMABLE, claimable.copy().put("node", "n3").put("horizon_ms", 0))).isEmpty();
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", run).put("status", "done").put("owner_node", (String) null));
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN_CLAIM,
        new JsonObject().put("id", run).put("node", "n3").put("stale_ms", 0))).isEmpty();
    // the plain reads leave the domains out
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", run)).getJsonObject(0).containsKey("domains"))
        .isFalse();
  }

  static void run(Vertx vertx) throws Exception {
    String run = Db.uniqueId("q-run");
    String doc = Db.uniqueId("q-doc");
    String report = Db.uniqueId("q-rep");
    String status = Db.uniqueId("st");
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", run).put("research_goal", "goal")
        .put("status", status).put("request", new JsonObject().put("company_domains", new JsonArray().add("a.com")))
        .put("total_companies", 2).put("heartbeat_at", "2024-01-02T03:04:05Z"));
    Db.writeNow(vertx, "company_results",
        new JsonObject().put("run_id", run).put("domain", "b.com").put("confidence_score", 0.25)
            .put("result", new JsonObject().put("domain", "b.com").put("findings", new JsonObject())),
        new JsonObject().put("run_id", run).put("domain", "a.com").put("confidence_score", 0.75)
            .put("result", new JsonObject().put("domain", "a.com")));
    Db.writeNow(vertx, "job_events",
        new JsonObject().put("job_id", run).put("seq", 2).put("type", "pipeline_start").put("data", new JsonObject().put("id", 2)),
        new JsonObject().put("job_id", run).put("seq", 1).put("type", "connected").put("data", new JsonObject().put("id", 1)),
        new JsonObject().put("job_id", run).put("seq", 1).put("type", "replayed").put("data", new JsonObject()));
    Db.writeNow(vertx, "documents", new JsonObject().put("id", doc).put("title", "T").put("status", status)
        .put("content", "CHAPTER I"));
    Db.writeNow(vertx, "chapters",
        new JsonObject().put("document_id", doc).put("number", 2).put("heading", "CHAPTER II").put("status", "pending"),
        new JsonObject().put("document_id", doc).put("number", 1).put("heading", "CHAPTER I").put("status", "done")
            .put("summary", "s").put("title", "t").put("preview", "p"));
    Db.writeNow(vertx, "reports", new JsonObject().put("id", report).put("domain", "a.com").put("status", "running")
        .put("core", new JsonObject().put("profile", new JsonObject().put("name", "A"))));
    Db.writeNow(vertx, "report_sections",
        new JsonObject().put("report_id", report).put("name", "risk").put("status", "done")
            .put("body", new JsonObject().put("risks", new JsonArray())).put("attempts", 1),
        new JsonObject().put("report_id", report).put("name", "financial").put("status", "failed")
            .put("error", "bad json").put("attempts", 3));
    String key = Db.uniqueId("cache");
    Db.writeNow(vertx, "summary_cache", new JsonObject().put("key", key).put("value", new JsonObject().put("summary", "x")));

    JsonObject runRow = Db.query(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", run)).getJsonObject(0);
    assertThat(runRow.getJsonObject("request").getJsonArray("company_domains")).containsExactly("a.com");
    assertThat(runRow.getString("heartbeat_at")).isEqualTo("2024-01-02T03:04:05Z");
    assertThat(Instant.parse(runRow.getString("created_at"))).isBefore(Instant.now().plusSeconds(60));
    assertThat(runRow.getInteger("completed_companies")).isZero();
    assertThat(runRow.fieldNames()).contains("finished_at", "strategies", "owner_key");
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", run + "-none"))).isEmpty();

    JsonArray results = Db.query(vertx, DbQueries.COMPANY_RESULTS, new JsonObject().put("run_id", run));
    assertThat(results).hasSize(2);
    JsonObject firstResult = results.getJsonObject(0);
    assertThat(firstResult.getString("domain")).isEqualTo("b.com");
    assertThat(firstResult.getJsonObject("result").getJsonObject("findings")).isEqualTo(new JsonObject());
    assertThat(firstResult.getDouble("confidence_score")).isEqualTo(0.25);
    long firstSeq = firstResult.getLong("seq");
    JsonArray page = Db.query(vertx, DbQueries.COMPANY_RESULTS,
        new JsonObject().put("run_id", run).put("after_seq", firstSeq).put("limit", 10));
    assertThat(page).hasSize(1);
    assertThat(page.getJsonObject(0).getString("domain")).isEqualTo("a.com");
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULTS, new JsonObject().put("run_id", run).put("offset", 1).put("limit", 1))
        .getJsonObject(0).getString("domain")).isEqualTo("a.com");
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULTS_COUNT, new JsonObject().put("run_id", run))
        .getJsonObject(0).getLong("count")).isEqualTo(2);
    JsonArray one = Db.query(vertx, DbQueries.COMPANY_RESULT, new JsonObject().put("run_id", run).put("domain", "a.com"));
    assertThat(one).hasSize(1);
    assertThat(one.getJsonObject(0).getString("domain")).isEqualTo("a.com");
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULT, new JsonObject().put("run_id", run).put("domain", "z.com"))).isEmpty();
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULTS_DOMAINS,
        new JsonObject().put("run_id", run).put("domains", new JsonArray().add("a.com").add("z.com"))))
        .containsExactly(new JsonObject().put("domain", "a.com").put("confidence_score", 0.75));
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULTS_DOMAINS, new JsonObject().put("run_id", run).put("limit", 1))
        .stream().map(o -> ((JsonObject) o).getString("domain"))).containsExactly("b.com");
    assertThat(Db.query(vertx, DbQueries.COMPANY_RESULTS_DOMAINS, new JsonObject().put("run_id", run).put("offset", 1))
        .stream().map(o -> ((JsonObject) o).getString("domain"))).containsExactly("a.com");

    JsonArray events = Db.query(vertx, DbQueries.JOB_EVENTS, new JsonObject().put("job_id", run));
    assertThat(events.stream().map(o -> ((JsonObject) o).getString("type"))).containsExactly("connected", "pipeline_start");
    assertThat(events.getJsonObject(0).getJsonObject("data")).isEqualTo(new JsonObject().put("id", 1));
    assertThat(Db.query(vertx, DbQueries.JOB_EVENTS, new JsonObject().put("job_id", run).put("after_seq", 1))).hasSize(1);
    assertThat(Db.query(vertx, DbQueries.JOB_EVENTS_LAST_SEQ, new JsonObject().put("job_id", run)).getJsonObject(0).getLong("seq"))
        .isEqualTo(2L);
    assertThat(Db.query(vertx, DbQueries.JOB_EVENTS_LAST_SEQ, new JsonObject().put("job_id", run + "-none"))
        .getJsonObject(0).getLong("seq")).isNull();

    claims(vertx, run, status);

    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUNS_BY_STATUS,
        new JsonObject().put("status", new JsonArray().add(status))).stream()
        .map(o -> ((JsonObject) o).getString("id"))).containsExactly(run);

    JsonObject docRow = Db.query(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", doc)).getJsonObject(0);
    assertThat(docRow.getString("title")).isEqualTo("T");
    assertThat(docRow.containsKey("content")).isFalse();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CONTENT, new JsonObject().put("id", doc)).getJsonObject(0)
        .getString("content")).isEqualTo("CHAPTER I");
    JsonArray byStatus = Db.query(vertx, DbQueries.DOCUMENTS_BY_STATUS, new JsonObject().put("status", new JsonArray().add(status)));
    assertThat(byStatus).hasSize(1);
    assertThat(byStatus.getJsonObject(0).containsKey("content")).isFalse();

    JsonArray chapters = Db.query(vertx, DbQueries.CHAPTERS, new JsonObject().put("document_id", doc));
    assertThat(chapters.stream().map(o -> ((JsonObject) o).getInteger("number"))).containsExactly(1, 2);
    assertThat(chapters.getJsonObject(0).getString("preview")).isEqualTo("p");
    assertThat(chapters.getJsonObject(1).getValue("summary")).isNull();

    // document_claim: one owner at a time; the owner renews; a stale heartbeat is taken over;
    // a document no longer in work is never claimed
    String claimDoc = Db.uniqueId("q-claim");
    Db.writeNow(vertx, "documents", new JsonObject().put("id", claimDoc).put("status", "queued").put("content", "x"));
    JsonObject claimA = new JsonObject().put("id", claimDoc).put("node", "node-a").put("stale_ms", 60_000);
    JsonObject claimB = new JsonObject().put("id", claimDoc).put("node", "node-b").put("stale_ms", 60_000);
    JsonArray claimed = Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimA);
    assertThat(claimed).hasSize(1);
    assertThat(claimed.getJsonObject(0).getString("owner_node")).isEqualTo("node-a");
    assertThat(claimed.getJsonObject(0).getString("heartbeat_at")).isNotNull();
    assertThat(claimed.getJsonObject(0).containsKey("content")).isFalse();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimB)).isEmpty();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimA)).hasSize(1);
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimB.copy().put("stale_ms", 0))
        .getJsonObject(0).getString("owner_node")).isEqualTo("node-b");
    // document_release: only the owner hands a document back; then anyone claims it at once
    JsonObject releaseA = new JsonObject().put("id", claimDoc).put("node", "node-a");
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_RELEASE, releaseA)).isEmpty();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", claimDoc)).getJsonObject(0)
        .getString("owner_node")).isEqualTo("node-b");
    JsonObject releaseB = new JsonObject().put("id", claimDoc).put("node", "node-b");
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_RELEASE, releaseB)).hasSize(1);
    JsonObject released = Db.query(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", claimDoc)).getJsonObject(0);
    assertThat(released.getValue("owner_node")).isNull();
    assertThat(released.getValue("heartbeat_at")).isNull();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_RELEASE, releaseB)).isEmpty();
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimA).getJsonObject(0).getString("owner_node")).isEqualTo("node-a");
    Db.writeNow(vertx, "documents", new JsonObject().put("id", claimDoc).put("status", "cancelled"));
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CLAIM, claimB)).isEmpty();

    JsonObject reportRow = Db.query(vertx, DbQueries.REPORT, new JsonObject().put("id", report)).getJsonObject(0);
    assertThat(reportRow.getJsonObject("core").getJsonObject("profile").getString("name")).isEqualTo("A");
    JsonArray sections = Db.query(vertx, DbQueries.REPORT_SECTIONS, new JsonObject().put("report_id", report));
    assertThat(sections.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("financial", "risk");
    assertThat(sections.getJsonObject(0).getString("error")).isEqualTo("bad json");
    assertThat(sections.getJsonObject(1).getJsonObject("body").getJsonArray("risks")).isEmpty();

    JsonArray cache = Db.query(vertx, DbQueries.SUMMARY_CACHE,
        new JsonObject().put("keys", new JsonArray().add(key).add(key + "-missing")));
    assertThat(cache).containsExactly(new JsonObject().put("key", key).put("value", new JsonObject().put("summary", "x")));
  }
}
