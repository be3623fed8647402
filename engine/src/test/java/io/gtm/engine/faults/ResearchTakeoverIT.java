package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, durable research jobs: kill -9 of the engine that coordinates a research job, then a
 * new engine on the same database and cluster scope. The new one takes the job over once the dead
 * owner's heartbeat is stale and finishes it: every domain stored once, and no domain whose result
 * was stored before the kill is searched or analysed again (its searches are counted at the
 * simulator, its analyses in the job's events). A client that subscribes on the new engine gets
 * the job's events from storage, in order, then the live ones up to {@code completed}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResearchTakeoverIT {
  private static final int DOMAINS = 120;
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Harness.simulator(vertx, 80, 120, 20, 40);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  @Test
  void aKilledCoordinatorsJobIsTakenOverAndFinishedWithoutRedoingStoredDomains() throws Exception {
    int port = Harness.freePort();
    Map<String, String> env = Harness.env(sim, port, "takeover");
    env.put("RESEARCH_OWNER_RENEW_MS", "500");
    env.put("RESEARCH_OWNER_STALE_MS", "3000");
    env.put("RESEARCH_TAKEOVER_SCAN_MS", "500");
    String api = "http://127.0.0.1:" + port;
    EngineProcess first = Harness.startEngine("takeover-first", env);
    EngineProcess second = null;
    try {
      String id = Harness.startResearch(api, Harness.researchBody(Harness.domains("takeover", DOMAINS), "standard", 6));
      Harness.await("a quarter of the domains stored", Duration.ofSeconds(120), () -> {
        JsonObject r = Harness.getJson(api + "/api/research/jobs/" + id);
        return r != null && r.getInteger("completed_companies", 0) >= DOMAINS / 4;
      });
      first.process.destroyForcibly(); // kill -9: no hand-back, no flush
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();

      Set<String> storedBefore = new HashSet<>(List.of(
          Harness.sql("SELECT domain FROM company_results WHERE run_id = '" + id + "'").split("\n")));
      storedBefore.remove("");
      assertThat(storedBefore).hasSizeGreaterThanOrEqualTo(DOMAINS / 4).hasSizeLessThan(DOMAINS);
      assertThat(Harness.sql("SELECT status FROM research_runs WHERE id = '" + id + "'")).isEqualTo("running");
      long tavilyBefore = sim.stats("tavily").getLong("requests_total");
      long newsBefore = sim.stats("newsapi").getLong("requests_total");

      second = Harness.startEngine("takeover-second", env);
      List<JsonObject> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> completed = new CompletableFuture<>();
      WebSocket ws = subscribe(port, id, events, completed);
      completed.get(4, TimeUnit.MINUTES);
      long recoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
      ws.abort();

      JsonObject job = Harness.getJson(api + "/api/research/jobs/" + id + "?limit=10000");
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("done");
      assertThat(job.getInteger("completed_companies")).isEqualTo(DOMAINS);
      assertThat(job.getJsonArray("results")).hasSize(DOMAINS);
      assertThat(Harness.sql("SELECT count(*) || '/' || count(DISTINCT domain) FROM company_results WHERE run_id = '" + id + "'"))
          .isEqualTo(DOMAINS + "/" + DOMAINS);
      assertThat(Harness.sql("SELECT owner_node IS NOT NULL AND status = 'done' FROM research_runs WHERE id = '" + id + "'"))
          .isEqualTo("t");

      // the subscriber saw the stored events then the live ones, in order, the takeover among them
      List<Long> seqs = events.stream().filter(e -> e.containsKey("id")).map(e -> e.getLong("id")).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(0).getString("type")).isEqualTo("subscribed");
      assertThat(events.get(1).getString("type")).isEqualTo("connected");
      assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("completed");
      int resumedAt = indexOf(events, "resumed");
      assertThat(resumedAt).as("a resumed event").isPositive();
      assertThat(events.get(resumedAt).getInteger("completed_companies")).isEqualTo(storedBefore.size());

      // after the takeover, only the domains not stored before were analysed, each once
      List<String> analysedAfter = new ArrayList<>();
      for (JsonObject e : events.subList(resumedAt, events.size())) {
        if ("domain_analyzed".equals(e.getString("type"))) {
          analysedAfter.add(e.getString("domain"));
        }
      }
      assertThat(analysedAfter).doesNotHaveDuplicates().hasSize(DOMAINS - storedBefore.size());
      assertThat(analysedAfter).doesNotContainAnyElementsOf(storedBefore);

      // and only those were searched: one web search per google_search strategy and domain, one news search per news_search one
      int google = Integer.parseInt(Harness.sql("SELECT count(*) FROM research_runs r, jsonb_array_elements(r.strategies) s"
          + " WHERE r.id = '" + id + "' AND s->>'channel' = 'google_search'"));
      int news = Integer.parseInt(Harness.sql("SELECT count(*) FROM research_runs r, jsonb_array_elements(r.strategies) s"
          + " WHERE r.id = '" + id + "' AND s->>'channel' = 'news_search'"));
      long tavilyAfter = sim.stats("tavily").getLong("requests_total") - tavilyBefore;
      long newsAfter = sim.stats("newsapi").getLong("requests_total") - newsBefore;
      int left = DOMAINS - storedBefore.size();
      assertThat(tavilyAfter).as("web searches after the takeover").isEqualTo((long) left * google);
      assertThat(newsAfter).as("news searches after the takeover").isEqualTo((long) left * news);

      System.out.printf("FAULTS research-takeover domains=%d stored_before_kill=%d redone_after=%d web_searches_after=%d"
              + " news_searches_after=%d lost=0 duplicated=0 kill_to_done_ms=%d%n",
          DOMAINS, storedBefore.size(), left, tavilyAfter, newsAfter, recoverMillis);
    } finally {
      first.close();
      if (second != null) {
        second.process.destroy();
        second.process.waitFor(45, TimeUnit.SECONDS);
        second.close();
      }
    }
  }

  private static int indexOf(List<JsonObject> events, String type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.equals(events.get(i).getString("type"))) {
        return i;
      }
    }
    return -1;
  }

  /** Subscribes to the job on {@code /ws}; every message lands in {@code events}, {@code completed} ends it. */
  private static WebSocket subscribe(int port, String id, List<JsonObject> events, CompletableFuture<Void> completed)
      throws Exception {
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          JsonObject event = new JsonObject(partial.toString());
          partial.setLength(0);
          events.add(event);
          if ("completed".equals(event.getString("type")) || "error".equals(event.getString("type"))) {
            completed.complete(null);
          }
        }
        ws.request(1);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        completed.completeExceptionally(error);
      }
    };
    WebSocket ws = Harness.HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener)
        .get(30, TimeUnit.SECONDS);
    ws.sendText(new JsonObject().put("subscribe", id).encode(), true).get(10, TimeUnit.SECONDS);
    return ws;
  }
}
