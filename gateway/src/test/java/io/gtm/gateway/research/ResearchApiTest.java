package io.gtm.gateway.research;

import static io.gtm.gateway.research.ResearchHttp.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.simulator.CompanyProfile;
import io.gtm.simulator.CompanyProfiles;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
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

/**
 * The research API end to end over HTTP and WebSocket: the simulator for every provider (real
 * search clients, the OpenAI-compatible LLM), db-writer on PostgreSQL, all services in one Vert.x.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResearchApiTest {
  static final int MAX_BODY_BYTES = 4_000_000;

  private Vertx vertx;
  private ResearchStack stack;
  private ResearchHttp http;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    stack = ResearchStack.start(vertx, "openai", 3, Map.of("MAX_BODY_BYTES", String.valueOf(MAX_BODY_BYTES)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    http = new ResearchHttp(vertx, stack.port());
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The first domain named {@code prefix<i>.com} whose simulated company matches. */
  static String domainWhere(String prefix, java.util.function.Predicate<CompanyProfile> p) {
    for (int i = 0; ; i++) {
      String d = prefix + i + ".com";
      if (p.test(CompanyProfiles.of(d))) {
        return d;
      }
    }
  }

  static String channelOf(JsonObject evidence) {
    String url = evidence.getString("url");
    return url.contains("greenhouse.io") ? "jobs" : url.contains("news.example.com") ? "news" : "web";
  }

  @Test
  void batchReturnsEveryDomainOnceWithScoresAndEvidenceFromEveryChannelTheCompanyHas() throws Exception {
    String noBoard = domainWhere("noboard", c -> !c.hasBoard() && c.hasNews());
    String noNews = domainWhere("nonews", c -> !c.hasNews() && c.hasBoard());
    List<String> sent = List.of("stripe.com", "plaid.com", "monzo.com", "acme-widgets.com", noBoard, noNews, "Stripe.com");
    List<String> expected = List.of("stripe.com", "plaid.com", "monzo.com", "acme-widgets.com", noBoard, noNews);
    ResearchHttp.Reply r = http.post("/api/research/batch", body(sent, "quick"));
    assertThat(r.status()).isEqualTo(200);
    JsonObject json = r.json();
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("research_id", "total_companies", "search_strategies_generated",
        "total_searches_executed", "processing_time_ms", "results", "search_performance");
    assertThat(json.getInteger("total_companies")).isEqualTo(expected.size());
    int strategies = json.getInteger("search_strategies_generated");
    assertThat(strategies).isBetween(4, 6);
    assertThat(json.getInteger("total_searches_executed")).isEqualTo(expected.size() * strategies);
    JsonObject perf = json.getJsonObject("search_performance");
    assertThat(perf.fieldNames()).containsExactlyInAnyOrder("queries_per_second", "failed_requests");
    assertThat(perf.getValue("queries_per_second")).isInstanceOf(Number.class);
    assertThat(perf.getDouble("queries_per_second")).isPositive();
    assertThat(perf.getInteger("failed_requests")).isZero();

    JsonArray results = json.getJsonArray("results");
    assertThat(results).hasSize(expected.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < results.size(); i++) {
      JsonObject res = results.getJsonObject(i);
      String domain = res.getString("domain");
      assertThat(seen.add(domain)).as("each domain once").isTrue();
      assertThat(res.fieldNames()).containsExactlyInAnyOrder("domain", "confidence_score", "evidence_sources", "findings");
      double c = res.getDouble("confidence_score");
      assertThat(c).isBetween(0.0, 1.0);
      assertThat(Math.round(c * 100) / 100.0).as("2 decimals").isEqualTo(c);
      JsonObject findings = res.getJsonObject("findings");
      assertThat(findings.fieldNames()).containsExactlyInAnyOrder("technologies", "evidence", "signals_found");
      assertThat(findings.getValue("signals_found")).isInstanceOf(Integer.class);
      Set<String> sources = new HashSet<>();
      Set<String> channels = new HashSet<>();
      for (Object o : findings.getJsonArray("evidence")) {
        JsonObject e = (JsonObject) o;
        assertThat(e.fieldNames()).containsExactlyInAnyOrder("url", "title", "snippet", "source_name");
        sources.add(e.getString("source_name"));
        channels.add(channelOf(e));
      }
      assertThat(res.getInteger("evidence_sources")).isEqualTo(sources.size());
      CompanyProfile truth = CompanyProfiles.of(domain);
      assertThat(channels.contains("web")).as(domain + " web evidence").isTrue();
      assertThat(channels.contains("jobs")).as(domain + " job board evidence").isEqualTo(truth.hasBoard());
      assertThat(channels.contains("news")).as(domain + " news evidence").isEqualTo(truth.hasNews());
      // the analysis read all of the evidence: every technology the company uses is named somewhere in it
      assertThat(findings.getJsonArray("technologies").getList()).as(domain).containsAll(truth.technologies());
      assertThat(c).as(domain + " has supporting evidence").isPositive();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aliasWithoutApiPrefixServesTheBatch() throws Exception {
    ResearchHttp.Reply r = http.post("/research/batch", body(List.of("stripe.com"), "quick"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("results")).hasSize(1);
  }

  @Test
  void streamSendsEveryEventOnceInOrderFromConnectedToCompleted() throws Exception {
    List<String> domains = IntStream.range(0, 30).mapToObj(i -> "company" + i + ".com").toList();
    ResearchHttp.Reply r = http.post("/api/research/batch/stream", body(domains, "quick"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/event-stream");
    List<JsonObject> events = ResearchHttp.sseEvents(r.body());
    List<String> types = events.stream().map(e -> e.getString("type")).toList();
    assertThat(types.get(0)).isEqualTo("connected");
    assertThat(types.get(types.size() - 1)).isEqualTo("completed");
    assertThat(types).containsSubsequence("connected", "pipeline_start", "strategies_generated", "analysis_start",
        "evidence_complete", "high_confidence_results", "pipeline_complete", "completed");
    List<Long> ids = events.stream().map(e -> e.getLong("id")).toList();
    assertThat(ids.get(0)).isEqualTo(1L);
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("ids strictly increasing, no gaps").isEqualTo(ids.get(i - 1) + 1);
    }
    List<JsonObject> progress = events.stream().filter(e -> e.getString("type").equals("evidence_progress")).toList();
    assertThat(progress).extracting(e -> e.getInteger("progress")).containsExactly(25, 50, 75, 100);
    assertThat(progress).extracting(e -> e.getLong("completed")).isSorted();
    assertThat(progress.get(3).getLong("completed")).isEqualTo(progress.get(3).getLong("total"));
    assertThat(progress.get(0).fieldNames()).contains("progress", "completed", "total", "domains_with_evidence");
    List<JsonObject> analysed = events.stream().filter(e -> e.getString("type").equals("domain_analyzed")).toList();
    assertThat(analysed).extracting(e -> e.getString("domain")).containsExactlyInAnyOrderElementsOf(domains);
    assertThat(analysed.get(0).fieldNames()).contains("domain", "confidence", "evidence_count", "technologies", "progress", "total");
    assertThat(analysed).extracting(e -> e.getInteger("progress")).isSorted();
    assertThat(types.indexOf("analysis_start")).as("analysis overlaps the searches").isLessThan(types.indexOf("evidence_complete"));
    JsonObject complete = events.stream().filter(e -> e.getString("type").equals("pipeline_complete")).findFirst().orElseThrow();
    JsonArray results = complete.getJsonArray("results");
    assertThat(results).hasSize(30);
    assertThat(complete.getJsonObject("summary").getInteger("total_companies")).isEqualTo(30);
    assertThat(complete.getJsonObject("summary").fieldNames()).contains("research_id", "search_strategies_generated",
        "total_searches_executed", "processing_time_ms", "search_performance");
    assertThat(complete.getJsonObject("metrics").getJsonObject("search_performance")).isNotNull();
    assertThat(complete.getJsonObject("metrics").getJsonObject("stage_seconds").fieldNames())
        .contains("strategies", "search", "analysis");
    Set<String> high = new HashSet<>();
    results.forEach(o -> {
      JsonObject res = (JsonObject) o;
      if (res.getDouble("confidence_score") >= 0.5) {
        high.add(res.getString("domain"));
      }
    });
    JsonObject highEvent = events.stream().filter(e -> e.getString("type").equals("high_confidence_results")).findFirst().orElseThrow();
    assertThat(highEvent.getJsonArray("domains").getList()).containsExactlyInAnyOrderElementsOf(high);
  }

  @Test
  void jobsRunInTheBackgroundAndPageTheirResultsFromStorage() throws Exception {
    List<String> domains = IntStream.range(0, 30).mapToObj(i -> "firm" + i + ".io").toList();
    ResearchHttp.Reply created = http.post("/api/research/jobs", body(domains, "quick"));
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("research_id");
    assertThat(id).isNotBlank();
    JsonObject state = http.awaitDone(id);
    assertThat(state.getString("status")).isEqualTo("done");
    assertThat(state.fieldNames()).contains("research_id", "status", "total_companies", "completed_companies",
        "search_performance", "processing_time_ms", "results");
    assertThat(state.getInteger("total_companies")).isEqualTo(30);
    assertThat(state.getInteger("completed_companies")).isEqualTo(30);
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 30; offset += 12) {
      JsonArray page = http.get("/api/research/jobs/" + id + "?offset=" + offset + "&limit=12").json().getJsonArray("results");
      assertThat(page).hasSize(Math.min(12, 30 - offset));
      page.forEach(o -> paged.add(((JsonObject) o).getString("domain")));
    }
    assertThat(paged).containsExactlyInAnyOrderElementsOf(domains);
    assertThat(http.get("/api/research/jobs/" + id).json().getJsonArray("results")).hasSize(30);
    ResearchHttp.Reply badLimit = http.get("/api/research/jobs/" + id + "?limit=0");
    assertThat(badLimit.status()).isEqualTo(422);
    assertThat(badLimit.error().getString("field")).isEqualTo("limit");
    ResearchHttp.Reply unknown = http.get("/api/research/jobs/r-nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error().getString("code")).isEqualTo("not_found");
  }

  @Test
  void deleteCancelsARunningJobAndNothingIsStoredAfterIt() throws Exception {
    List<String> domains = IntStream.range(0, 3000).mapToObj(i -> "slowco" + i + ".com").toList();
    String id = http.post("/api/research/jobs", body(domains, "quick")).json().getString("research_id");
    JsonObject running = http.pollJob(id, s -> s.getInteger("completed_companies", 0) > 0, 20_000);
    assertThat(running.getString("status")).isEqualTo("running");
    ResearchHttp.Reply del = http.call(HttpMethod.DELETE, "/api/research/jobs/" + id, null);
    assertThat(del.status()).isEqualTo(200);
    assertThat(del.json().getString("status")).isEqualTo("cancelled");
    JsonObject state = http.get("/api/research/jobs/" + id + "?limit=10000").json();
    assertThat(state.getString("status")).isEqualTo("cancelled");
    int stored = state.getJsonArray("results").size();
    assertThat(stored).isPositive().isLessThan(3000);
    // searches that were in flight still answer; none of them may add a result
    Thread.sleep(300);
    assertThat(http.get("/api/research/jobs/" + id + "?limit=10000").json().getJsonArray("results")).hasSize(stored);
    assertThat(http.call(HttpMethod.DELETE, "/api/research/jobs/" + id, null).json().getString("status")).isEqualTo("cancelled");
    assertThat(http.call(HttpMethod.DELETE, "/api/research/jobs/r-unknown", null).status()).isEqualTo(404);
    // its event stream ends with the cancellation
    List<JsonObject> replay = subscribeUntil(id, "error");
    JsonObject last = replay.get(replay.size() - 1);
    assertThat(last.getString("type")).isEqualTo("error");
    assertThat(last.getJsonObject("error").getString("code")).isEqualTo("cancelled");
  }

  @Test
  void webSocketSubscribedMidJobReplaysThenGoesLiveWithoutGapsOrDuplicates() throws Exception {
    for (String p : List.of("tavily", "newsapi", "greenhouse")) {
      stack.simulator.configure(p, new JsonObject().put("latency_median_ms", 25).put("latency_p99_ms", 25));
    }
    List<String> domains = IntStream.range(0, 200).mapToObj(i -> "wsco" + i + ".com").toList();
    List<JsonObject> mine;
    String id;
    try {
      id = http.post("/api/research/jobs", body(domains, "quick")).json().getString("research_id");
      JsonObject mid = http.pollJob(id, s -> s.getInteger("completed_companies", 0) >= 10, 20_000);
      assertThat(mid.getInteger("completed_companies")).isLessThan(200);
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      WebSocket socket = connect(received);
      socket.writeTextMessage(new JsonObject().put("subscribe", id).encode());
      socket.writeTextMessage(new JsonObject().put("subscribe", "r-missing").encode());
      String jobId = id;
      awaitEvent(received, e -> jobId.equals(e.getString("job_id")) && "completed".equals(e.getString("type")), 30_000);
      JsonObject error = received.stream().filter(e -> "r-missing".equals(e.getString("job_id"))).findFirst().orElseThrow();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getJsonObject("error").getString("code")).isEqualTo("not_found");
      assertThat(received.stream().filter(e -> "r-missing".equals(e.getString("job_id")))).hasSize(1);
      mine = received.stream().filter(e -> jobId.equals(e.getString("job_id"))).toList();
      socket.close();
    } finally {
      for (String p : List.of("tavily", "newsapi", "greenhouse")) {
        stack.simulator.configure(p, new JsonObject().put("latency_median_ms", 3).put("latency_p99_ms", 3));
      }
    }
    assertThat(mine.get(0).getString("type")).isEqualTo("subscribed");
    List<JsonObject> events = mine.subList(1, mine.size());
    assertThat(events.get(0).getString("type")).isEqualTo("connected");
    assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("completed");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getLong("id")).as("event %d: no gap, no duplicate", i).isEqualTo(i + 1L);
      assertThat(events.get(i).containsKey("owner")).isFalse();
    }
    assertThat(events.stream().filter(e -> "domain_analyzed".equals(e.getString("type"))).map(e -> e.getString("domain")))
        .containsExactlyInAnyOrderElementsOf(domains);
    JsonObject complete = events.stream().filter(e -> "pipeline_complete".equals(e.getString("type"))).findFirst().orElseThrow();
    assertThat(complete.getJsonArray("results")).hasSize(200);
    // a subscriber after the end gets the same stream from storage
    List<JsonObject> late = subscribeUntil(id, "completed");
    assertThat(late.stream().map(e -> e.getLong("id") + ":" + e.getString("type")).toList())
        .isEqualTo(events.stream().map(e -> e.getLong("id") + ":" + e.getString("type")).toList());
  }

  @Test
  void badInputsAreRejectedWithTheFieldNamed() throws Exception {
    assertRejected("/api/research/batch", body(List.of(), "quick"), 422, "company_domains");
    assertRejected("/api/research/batch", body(List.of("a.com"), "quick").putNull("research_goal"), 422, "research_goal");
    assertRejected("/api/research/batch", body(List.of("a.com"), "quick").put("research_goal", 7), 400, "research_goal");
    assertRejected("/api/research/batch", body(List.of("a.com"), "deep"), 422, "search_depth");
    for (String bad : List.of("10.0.0.1", "127.0.0.1", "localhost", "db.internal", "printer.local", "[::1]", "intranet")) {
      assertRejected("/api/research/batch/stream", body(List.of("good.com", bad), "quick"), 422, "company_domains");
    }
    assertRejected("/api/research/jobs", body(List.of("a.com"), "quick").put("max_parallel_searches", 0), 422, "max_parallel_searches");
    assertRejected("/api/research/jobs", body(List.of("a.com"), "quick").put("max_parallel_searches", 100_000), 422,
        "max_parallel_searches");
    assertRejected("/api/research/batch", body(List.of("a.com"), "quick").put("confidence_threshold", 1.5), 422,
        "confidence_threshold");
    List<String> tooMany = IntStream.rangeClosed(0, 100_000).mapToObj(i -> "d" + i + ".com").toList();
    assertRejected("/api/research/batch", body(tooMany, "quick"), 422, "company_domains");

    ResearchHttp.Reply notJson = http.call(HttpMethod.POST, "/api/research/jobs", "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.error().getString("code")).isNotBlank();
    assertThat(notJson.body()).doesNotContain("Exception");
    ResearchHttp.Reply huge = http.call(HttpMethod.POST, "/api/research/batch", "{\"x\":\"" + "a".repeat(MAX_BODY_BYTES) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.error().getString("code")).isEqualTo("payload_too_large");
  }

  private void assertRejected(String path, JsonObject body, int status, String field) throws Exception {
    ResearchHttp.Reply r = http.post(path, body);
    assertThat(r.status()).as(body.encode().substring(0, Math.min(200, body.encode().length()))).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.error().getString("field")).isEqualTo(field);
    assertThat(r.error().getString("message")).isNotBlank();
  }

  /** Held for the test's life: Vert.x closes a client nothing refers to, even mid-handshake. */
  private WebSocketClient webSockets;

  private WebSocket connect(List<JsonObject> received) throws Exception {
    webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20));
    WebSocket socket = webSockets.connect(stack.port(), "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    socket.textMessageHandler(t -> received.add(new JsonObject(t)));
    return socket;
  }

  /** Subscribes and collects the job's events (without {@code subscribed}) until one of {@code type}. */
  private List<JsonObject> subscribeUntil(String id, String type) throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    WebSocket socket = connect(received);
    socket.writeTextMessage(new JsonObject().put("subscribe", id).encode());
    awaitEvent(received, e -> type.equals(e.getString("type")), 20_000);
    socket.close();
    assertThat(received.get(0).getString("type")).isEqualTo("subscribed");
    return received.subList(1, received.size());
  }

  private static void awaitEvent(List<JsonObject> received, java.util.function.Predicate<JsonObject> p, long ms)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (received.stream().noneMatch(p)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("event not received; got " + received.size() + " events, last "
            + (received.isEmpty() ? "none" : received.get(received.size() - 1).getString("type")));
      }
      Thread.sleep(10);
    }
  }
}
