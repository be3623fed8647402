package io.gtm.gateway.research;

import static io.gtm.gateway.research.ResearchHttp.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.dbwriter.DbWriterVerticle;
import io.gtm.gateway.security.WsClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Reads while the store is away (db-writer gone, or registered and not answering, as a killed
 * writer's requests are on the clustered bus): a job this gateway coordinates is answered from
 * memory, anything else with a prompt 503 and {@code Retry-After}; once a writer is back the job
 * finishes with every result stored.
 */
class ResearchStoreAwayTest {
  static final int DOMAINS = 60;
  static final long READ_TIMEOUT_MS = 1_000;
  /** Far below the 30 s a read waited before: an answer, not a hang. */
  static final long PROMPT_MS = 10_000;

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void withTheStoreAwayALiveJobIsAnsweredFromMemoryOthersGet503AndTheJobFinishesOnceItIsBack() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ResearchStack stack = await(ResearchStack.start(vertx, "offline", 400,
          Map.of("GATEWAY_READ_TIMEOUT_MS", String.valueOf(READ_TIMEOUT_MS))));
      ResearchHttp http = new ResearchHttp(vertx, stack.port());
      ResearchHttp.Reply doc = http.call(HttpMethod.POST, "/api/documents?title=Away", "Chapter 1\n\nSome text.");
      assertThat(doc.status()).as(doc.body()).isEqualTo(202);
      String docId = doc.json().getString("document_id");
      List<String> domains = IntStream.range(0, DOMAINS).mapToObj(i -> "awayco" + i + ".com").toList();
      JsonObject request = body(domains, "quick").put("max_parallel_searches", 4);
      ResearchHttp.Reply created = http.post("/api/research/jobs", request);
      assertThat(created.status()).as(created.body()).isEqualTo(202);
      String id = created.json().getString("research_id");
      JsonObject before = http.pollJob(id, s -> s.getInteger("completed_companies") >= 1, 30_000);
      assertThat(before.getString("status")).isEqualTo("running");

      // no db-writer at all: the bus answers NO_HANDLERS at once
      await(vertx.undeploy(stack.dbWriter));
      ResearchHttp.Reply unknown = http.get("/api/research/jobs/r-unknown");
      assertThat(unknown.status()).as(unknown.body()).isEqualTo(503);
      assertThat(unknown.error().getString("code")).isEqualTo("unavailable");
      assertThat(unknown.retryAfter()).isNotNull();
      assertThat(Integer.parseInt(unknown.retryAfter())).isPositive();

      // a db-writer that takes reads and never answers (killed with them in flight)
      MessageConsumer<JsonObject> silent = vertx.eventBus().consumer(Addresses.DB_QUERY, m -> { });
      await(silent.completion());
      long t0 = System.nanoTime();
      ResearchHttp.Reply live = http.get("/api/research/jobs/" + id);
      long liveMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(live.status()).as(live.body()).isEqualTo(200);
      JsonObject state = live.json();
      assertThat(state.getString("research_id")).isEqualTo(id);
      assertThat(state.getString("status")).isEqualTo("running");
      assertThat(state.getInteger("total_companies")).isEqualTo(DOMAINS);
      assertThat(state.getInteger("completed_companies")).isGreaterThanOrEqualTo(before.getInteger("completed_companies"));
      assertThat(state.getJsonObject("search_performance").fieldNames())
          .containsExactlyInAnyOrder("queries_per_second", "failed_requests");
      assertThat(state.getJsonArray("results")).isEmpty();
      assertThat(state.getBoolean("results_available")).isFalse();
      assertThat(liveMs).as("live job answered without waiting for the store").isLessThan(PROMPT_MS);

      for (String path : List.of("/api/research/jobs/r-unknown", "/api/documents/" + docId,
          "/api/documents/" + docId + "/chapters", "/api/reports/rpt_unknown")) {
        long t1 = System.nanoTime();
        ResearchHttp.Reply r = http.get(path);
        long ms = (System.nanoTime() - t1) / 1_000_000;
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(503);
        assertThat(r.error().getString("code")).isEqualTo("unavailable");
        assertThat(r.retryAfter()).as(path + " Retry-After").isNotNull();
        assertThat(ms).as(path + " answered within the read timeout, not the 30 s bus timeout").isLessThan(PROMPT_MS);
      }

      // a WebSocket subscriber to the live job is told to come back (its events cannot all be read
      // back), not that the job does not exist, and not left waiting
      try (WsClient ws = WsClient.connect(stack.port(), "none")) {
        long t2 = System.nanoTime();
        ws.send(new JsonObject().put("subscribe", id));
        JsonObject answer = ws.next(PROMPT_MS + 10_000);
        long wsMs = (System.nanoTime() - t2) / 1_000_000;
        assertThat(answer).as("an answer to the subscribe").isNotNull();
        assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("error");
        assertThat(answer.getString("job_id")).isEqualTo(id);
        assertThat(answer.getJsonObject("error").getString("code")).as(answer.encode()).isEqualTo("unavailable");
        assertThat(wsMs).as("subscribe answered ms").isLessThan(PROMPT_MS + 10_000);
      }

      // the writer is back: the results held meanwhile are stored, the job finishes, none lost or twice
      await(silent.unregister());
      await(vertx.deployVerticle(new DbWriterVerticle(), new DeploymentOptions().setConfig(stack.config.toJson())));
      // subscribing again now replays every event from storage, in order, then live up to the end
      WsClient again = WsClient.connect(stack.port(), "none");
      again.send(new JsonObject().put("subscribe", id));
      JsonObject done = http.pollJob(id, s -> !List.of("queued", "running").contains(s.getString("status")), 120_000);
      try (again) {
        assertThat(again.next(PROMPT_MS).getString("type")).isEqualTo("subscribed");
        long expected = 1;
        for (JsonObject e = again.next(PROMPT_MS); ; e = again.next(PROMPT_MS)) {
          assertThat(e).as("event " + expected + " of the replay, then live").isNotNull();
          assertThat(e.getLong("id")).as(e.encode()).isEqualTo(expected++);
          if ("completed".equals(e.getString("type"))) {
            break;
          }
        }
      }
      assertThat(done.getString("status")).isEqualTo("done");
      assertThat(done.getInteger("completed_companies")).isEqualTo(DOMAINS);
      JsonObject page = http.get("/api/research/jobs/" + id + "?limit=1000").json();
      assertThat(page.containsKey("results_available")).isFalse();
      JsonArray results = page.getJsonArray("results");
      Set<String> seen = new HashSet<>();
      results.forEach(o -> seen.add(((JsonObject) o).getString("domain")));
      assertThat(results).hasSize(DOMAINS);
      assertThat(seen).containsExactlyInAnyOrderElementsOf(domains);
      System.out.printf("READS store-away live_job_answer_ms=%d completed_before=%d completed_live=%d%n", liveMs,
          before.getInteger("completed_companies"), state.getInteger("completed_companies"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
