package io.gtm.gateway.research;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The research API end to end over HTTP, against the simulator, db-writer and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResearchApiTest {
  private Vertx vertx;
  private ResearchStack stack;
  private HttpClient http;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    stack = ResearchStack.start(vertx, "openai", 3, Map.of()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static JsonObject body(List<String> domains, String depth) {
    return new JsonObject().put("research_goal", "fintech companies using Kubernetes")
        .put("company_domains", new JsonArray(new ArrayList<>(domains))).put("search_depth", depth)
        .put("max_parallel_searches", 10).put("confidence_threshold", 0.5);
  }

  record Reply(int status, String body, String contentType) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Reply call(HttpMethod method, String path, String body) throws Exception {
    Future<Reply> f = http.request(new RequestOptions().setMethod(method).setPort(stack.port()).setHost("127.0.0.1").setURI(path))
        .compose(req -> {
          req.putHeader("Content-Type", "application/json");
          return body == null ? req.send() : req.send(Buffer.buffer(body));
        })
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString(), res.getHeader("Content-Type"))));
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Test
  void batchReturnsEveryDomainOnceWithScoresAndEvidenceFromEachChannel() throws Exception {
    List<String> domains = List.of("stripe.com", "plaid.com", "monzo.com", "acme-widgets.com", "Stripe.com");
    Reply r = call(HttpMethod.POST, "/api/research/batch", body(domains, "quick").encode());
    assertThat(r.status()).isEqualTo(200);
    JsonObject json = r.json();
    assertThat(json.fieldNames()).contains("research_id", "total_companies", "search_strategies_generated",
        "total_searches_executed", "processing_time_ms", "results", "search_performance");
    assertThat(json.getInteger("total_companies")).isEqualTo(4);
    int strategies = json.getInteger("search_strategies_generated");
    assertThat(strategies).isBetween(4, 6);
    assertThat(json.getInteger("total_searches_executed")).isEqualTo(4 * strategies);
    assertThat(json.getJsonObject("search_performance").getValue("queries_per_second")).isInstanceOf(Number.class);
    JsonArray results = json.getJsonArray("results");
    Set<String> seen = new HashSet<>();
    Set<String> channels = new HashSet<>();
    for (int i = 0; i < results.size(); i++) {
      JsonObject res = results.getJsonObject(i);
      assertThat(seen.add(res.getString("domain"))).isTrue();
      double c = res.getDouble("confidence_score");
      assertThat(c).isBetween(0.0, 1.0);
      assertThat(Math.round(c * 100) / 100.0).isEqualTo(c);
      JsonObject findings = res.getJsonObject("findings");
      assertThat(findings.fieldNames()).containsExactlyInAnyOrder("technologies", "evidence", "signals_found");
      Set<String> sources = new HashSet<>();
      findings.getJsonArray("evidence").forEach(o -> {
        JsonObject e = (JsonObject) o;
        assertThat(e.fieldNames()).containsExactlyInAnyOrder("url", "title", "snippet", "source_name");
        sources.add(e.getString("source_name"));
        channels.add(e.getString("source_name"));
      });
      assertThat(res.getInteger("evidence_sources")).isEqualTo(sources.size());
    }
    assertThat(seen).containsExactlyInAnyOrder("stripe.com", "plaid.com", "monzo.com", "acme-widgets.com");
    assertThat(channels.size()).as("evidence from several providers: " + channels).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aliasWithoutApiPrefixServesTheBatch() throws Exception {
    Reply r = call(HttpMethod.POST, "/research/batch", body(List.of("stripe.com"), "quick").encode());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("results")).hasSize(1);
  }

  @Test
  void streamSendsEventsInOrderWithIdsAndMilestones() throws Exception {
    List<String> domains = IntStream.range(0, 12).mapToObj(i -> "company" + i + ".com").toList();
    Reply r = call(HttpMethod.POST, "/api/research/batch/stream", body(domains, "quick").encode());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/event-stream");
    assertThat(r.body()).startsWith("retry: 1000\n\n");
    List<JsonObject> events = new ArrayList<>();
    for (String block : r.body().substring("retry: 1000\n\n".length()).split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines[0]).startsWith("id: ");
      assertThat(lines[1]).startsWith("event: ");
      assertThat(lines[2]).startsWith("data: ");
      JsonObject data = new JsonObject(lines[2].substring(6));
      assertThat(data.getLong("id")).isEqualTo(Long.parseLong(lines[0].substring(4)));
      assertThat(data.getString("type")).isEqualTo(lines[1].substring(7));
      events.add(data);
    }
    List<String> types = events.stream().map(e -> e.getString("type")).toList();
    assertThat(types.get(0)).isEqualTo("connected");
    assertThat(types.get(types.size() - 1)).isEqualTo("completed");
    assertThat(types).containsSubsequence("connected", "pipeline_start", "strategies_generated", "analysis_start",
        "evidence_complete", "high_confidence_results", "pipeline_complete", "completed");
    assertThat(events.stream().map(e -> e.getLong("id")).toList()).isSorted().doesNotHaveDuplicates();
    assertThat(events.stream().filter(e -> e.getString("type").equals("evidence_progress"))
        .map(e -> e.getInteger("progress")).toList()).containsExactly(25, 50, 75, 100);
    assertThat(events.stream().filter(e -> e.getString("type").equals("domain_analyzed"))
        .map(e -> e.getString("domain")).toList()).hasSize(12).doesNotHaveDuplicates();
    JsonObject complete = events.stream().filter(e -> e.getString("type").equals("pipeline_complete")).findFirst().orElseThrow();
    assertThat(complete.getJsonArray("results")).hasSize(12);
    assertThat(complete.getJsonObject("summary").getInteger("total_companies")).isEqualTo(12);
    assertThat(complete.getJsonObject("metrics").getJsonObject("search_performance")).isNotNull();
    assertThat(types.indexOf("analysis_start")).as("analysis overlaps searches").isLessThan(types.indexOf("evidence_complete"));
  }

  @Test
  void jobsEndpointRunsInTheBackgroundAndPagesResultsFromStorage() throws Exception {
    List<String> domains = IntStream.range(0, 30).mapToObj(i -> "firm" + i + ".io").toList();
    Reply created = call(HttpMethod.POST, "/api/research/jobs", body(domains, "quick").encode());
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("research_id");
    JsonObject state = pollUntilDone(id);
    assertThat(state.getString("status")).isEqualTo("done");
    assertThat(state.getInteger("completed_companies")).isEqualTo(30);
    Reply page = call(HttpMethod.GET, "/api/research/jobs/" + id + "?offset=10&limit=15", null);
    assertThat(page.json().getJsonArray("results")).hasSize(15);
    Reply all = call(HttpMethod.GET, "/api/research/jobs/" + id, null);
    Set<String> got = new HashSet<>();
    all.json().getJsonArray("results").forEach(o -> got.add(((JsonObject) o).getString("domain")));
    assertThat(got).containsExactlyInAnyOrderElementsOf(domains);
    Reply unknown = call(HttpMethod.GET, "/api/research/jobs/r-nope", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  @Test
  void deleteCancelsARunningJobAndStoresNothingMore() throws Exception {
    List<String> domains = IntStream.range(0, 3000).mapToObj(i -> "slowco" + i + ".com").toList();
    String id = call(HttpMethod.POST, "/api/research/jobs", body(domains, "quick").encode()).json().getString("research_id");
    Reply del = call(HttpMethod.DELETE, "/api/research/jobs/" + id, null);
    assertThat(del.status()).isEqualTo(200);
    assertThat(del.json().getString("status")).isEqualTo("cancelled");
    JsonObject state = call(HttpMethod.GET, "/api/research/jobs/" + id + "?limit=10000", null).json();
    assertThat(state.getString("status")).isEqualTo("cancelled");
    int stored = state.getJsonArray("results").size();
    assertThat(stored).isLessThan(3000);
    assertThat(call(HttpMethod.DELETE, "/api/research/jobs/r-unknown", null).status()).isEqualTo(404);
  }

  @Test
  void webSocketReplaysStoredEventsThenLiveOnesWithoutGapsOrDuplicates() throws Exception {
    List<String> domains = IntStream.range(0, 40).mapToObj(i -> "wsco" + i + ".com").toList();
    String id = call(HttpMethod.POST, "/api/research/jobs", body(domains, "quick").encode()).json().getString("research_id");
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    WebSocketClient ws = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setMaxMessageSize(64 << 20));
    ws.connect(stack.port(), "127.0.0.1", "/ws").onSuccess(socket -> {
      socket.textMessageHandler(t -> received.add(new JsonObject(t)));
      socket.writeTextMessage(new JsonObject().put("subscribe", id).encode());
      socket.writeTextMessage(new JsonObject().put("subscribe", "r-missing").encode());
    });
    long deadline = System.currentTimeMillis() + 60_000;
    while (received.stream().noneMatch(e -> "completed".equals(e.getString("type"))) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    JsonObject error = received.stream().filter(e -> "error".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(error.getString("job_id")).isEqualTo("r-missing");
    assertThat(error.getJsonObject("error").getString("code")).isEqualTo("not_found");
    List<JsonObject> mine = received.stream().filter(e -> id.equals(e.getString("job_id"))).toList();
    assertThat(mine.get(0).getString("type")).isEqualTo("subscribed");
    List<Long> ids = mine.subList(1, mine.size()).stream().map(e -> e.getLong("id")).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(ids.get(0)).isEqualTo(1L);
    assertThat(ids.get(ids.size() - 1) - ids.get(0) + 1).as("no gaps").isEqualTo(ids.size());
    assertThat(mine.get(1).getString("type")).isEqualTo("connected");
    assertThat(mine.get(mine.size() - 1).getString("type")).isEqualTo("completed");
    // a late subscriber gets the whole stored stream
    List<JsonObject> late = new CopyOnWriteArrayList<>();
    ws.connect(stack.port(), "127.0.0.1", "/ws").onSuccess(socket -> {
      socket.textMessageHandler(t -> late.add(new JsonObject(t)));
      socket.writeTextMessage(new JsonObject().put("subscribe", id).encode());
    });
    deadline = System.currentTimeMillis() + 30_000;
    while (late.size() < mine.size() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(late.stream().map(e -> e.getString("type")).toList())
        .isEqualTo(mine.stream().map(e -> e.getString("type")).toList());
    JsonObject complete = late.stream().filter(e -> "pipeline_complete".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(complete.getJsonArray("results")).hasSize(40);
  }

  @Test
  void badInputsAreRejectedNamingTheField() throws Exception {
    Reply zero = call(HttpMethod.POST, "/api/research/batch", body(List.of(), "quick").encode());
    assertThat(zero.status()).isEqualTo(422);
    assertThat(zero.json().getJsonObject("error").getString("field")).isEqualTo("company_domains");
    Reply depth = call(HttpMethod.POST, "/api/research/batch", body(List.of("a.com"), "deep").encode());
    assertThat(depth.status()).isEqualTo(422);
    assertThat(depth.json().getJsonObject("error").getString("field")).isEqualTo("search_depth");
    Reply ip = call(HttpMethod.POST, "/api/research/batch/stream", body(List.of("10.0.0.1"), "quick").encode());
    assertThat(ip.status()).isEqualTo(422);
    assertThat(ip.json().getJsonObject("error").getString("field")).isEqualTo("company_domains");
    Reply notJson = call(HttpMethod.POST, "/api/research/jobs", "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body()).doesNotContain("Exception");
    Reply parallel = call(HttpMethod.POST, "/api/research/batch", body(List.of("a.com"), "quick").put("max_parallel_searches", 0).encode());
    assertThat(parallel.json().getJsonObject("error").getString("field")).isEqualTo("max_parallel_searches");
  }

  private JsonObject pollUntilDone(String id) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonObject state;
    do {
      state = call(HttpMethod.GET, "/api/research/jobs/" + id + "?limit=1", null).json();
      if (!List.of("queued", "running").contains(state.getString("status"))) {
        return state;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return state;
  }
}
