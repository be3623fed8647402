package io.gtm.gateway.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.llm.offline.ReportShapes;
import io.gtm.gateway.research.ResearchStack;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reports end to end: HTTP and WebSocket against the real services, db-writer on PostgreSQL and the
 * simulator's OpenAI-compatible LLM with a fixed latency L, so that the schedule can be read off
 * the simulator: the core runs one call at a time, the seven sections run REPORT_SECTION_CONCURRENCY
 * at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportApiTest {
  static final long L = 400;
  static final int LIMIT = 4;
  static final String GOAL = "companies adopting Kubernetes and hiring platform engineers";

  private Vertx vertx;
  private ResearchStack stack;
  private HttpClient http;
  private WebSocketClient ws;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    stack = ResearchStack.start(vertx, "openai", 3, Map.of(
            "REPORT_SECTION_CONCURRENCY", String.valueOf(LIMIT),
            // the failing-section test sends repeated 500s: keep the breaker out of this test's way
            "BREAKER_MAX_FAILURES", "1000"))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    http = vertx.createHttpClient(TestHttpClients.OPTIONS);
    ws = vertx.createWebSocketClient();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void resetSimulator() {
    stack.simulator.reset();
    stack.simulator.configure("openai", new JsonObject().put("latency_median_ms", L).put("latency_p99_ms", L));
  }

  record Reply(int status, JsonObject json) {}

  Reply call(HttpMethod method, String path, JsonObject body) throws Exception {
    Future<Reply> f = http.request(new RequestOptions().setMethod(method).setPort(stack.port()).setHost("127.0.0.1").setURI(path))
        .compose(req -> {
          req.putHeader("Content-Type", "application/json");
          return body == null ? req.send() : req.send(Buffer.buffer(body.encode()));
        })
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.length() == 0 ? null : new JsonObject(b.toString()))));
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Subscribes on /ws and collects events (replayed, then live) until report_complete. */
  List<JsonObject> eventsUntilComplete(String reportId) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    Promise<Void> done = Promise.promise();
    ws.connect(stack.port(), "127.0.0.1", "/ws").onSuccess(socket -> {
      socket.textMessageHandler(text -> {
        JsonObject event = new JsonObject(text);
        event.put("received_at_ms", System.currentTimeMillis());
        events.add(event);
        if ("report_complete".equals(event.getString("type"))) {
          socket.close();
          done.tryComplete();
        }
      });
      socket.writeTextMessage(new JsonObject().put("subscribe", reportId).encode());
    }).onFailure(done::tryFail);
    done.future().toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    return events;
  }

  static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> type.equals(e.getString("type"))).toList();
  }

  @Test
  void coreRunsInOrderThenSectionsRunInParallelUpToTheLimit() throws Exception {
    Reply created = call(HttpMethod.POST, "/api/reports",
        new JsonObject().put("domain", "northwind-analytics.com").put("research_goal", GOAL).put("search_depth", "quick"));
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("report_id");

    List<JsonObject> events = eventsUntilComplete(id);
    assertThat(events.get(0).getString("type")).isEqualTo("subscribed");
    List<JsonObject> core = ofType(events, "core_step_ready");
    assertThat(core).extracting(e -> e.getString("name")).containsExactly("profile", "research", "recommendations");
    List<JsonObject> sections = ofType(events, "section_ready");
    assertThat(sections).extracting(e -> e.getString("name")).containsExactlyInAnyOrderElementsOf(ReportShapes.SECTIONS);
    // every section comes after the whole core, and the report ends last
    long lastCoreId = core.get(2).getLong("id");
    assertThat(sections).allSatisfy(s -> assertThat(s.getLong("id")).isGreaterThan(lastCoreId));
    assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("report_complete");
    assertThat(events.get(events.size() - 1).getString("status")).isEqualTo("done");
    assertThat(events.stream().skip(1).map(e -> e.getLong("id")).toList()).isSorted().doesNotHaveDuplicates();
    for (JsonObject s : sections) {
      assertThat(s.getString("status")).isEqualTo("done");
      assertThat(ReportShapes.validate(s.getString("name"), s.getJsonObject("body"))).isEmpty();
    }

    // the core asked one thing at a time; the sections kept exactly LIMIT calls in flight, not 7, not 1
    assertThat(stack.simulator.stats("openai").getInteger("max_in_flight")).isEqualTo(LIMIT);
    // 7 sections at limit 4 take about ceil(7/4) = 2 latencies, far from the 7 of a sequential run
    long sectionsWall = events.get(events.size() - 1).getLong("received_at_ms") - core.get(2).getLong("received_at_ms");
    assertThat(sectionsWall).isBetween(2 * L - 50, 5 * L);

    Reply report = call(HttpMethod.GET, "/api/reports/" + id, null);
    assertThat(report.status()).isEqualTo(200);
    JsonObject json = report.json();
    assertThat(json.getString("status")).isEqualTo("done");
    assertThat(json.getString("domain")).isEqualTo("northwind-analytics.com");
    for (String step : ReportShapes.CORE_STEPS) {
      assertThat(ReportShapes.validate(step, json.getJsonObject("core").getJsonObject(step))).as(step).isEmpty();
    }
    JsonArray stored = json.getJsonArray("sections");
    assertThat(stored).hasSize(7);
    stored.forEach(o -> {
      JsonObject s = (JsonObject) o;
      assertThat(s.getString("status")).isEqualTo("done");
      assertThat(s.getInteger("attempts")).isEqualTo(1);
      assertThat(s.getJsonObject("body")).isNotNull();
    });
  }

  @Test
  void aFailingSectionIsRetriedThenMarkedFailedWhileTheOthersComplete() throws Exception {
    stack.simulator.configure("openai", new JsonObject().put("fail_body_containing", "Now write the 'competitive' part"));
    Reply created = call(HttpMethod.POST, "/api/reports",
        new JsonObject().put("domain", "cobalt-robotics.com").put("research_goal", GOAL).put("search_depth", "quick"));
    String id = created.json().getString("report_id");

    List<JsonObject> events = eventsUntilComplete(id);
    List<JsonObject> sections = ofType(events, "section_ready");
    assertThat(sections).hasSize(7);
    JsonObject competitive = sections.stream().filter(s -> s.getString("name").equals("competitive")).findFirst().orElseThrow();
    assertThat(competitive.getString("status")).isEqualTo("failed");
    assertThat(competitive.getString("error")).isNotBlank();
    assertThat(competitive.getInteger("attempts")).isEqualTo(ReportJob.MAX_ATTEMPTS);
    assertThat(sections.stream().filter(s -> !s.getString("name").equals("competitive")))
        .allSatisfy(s -> assertThat(s.getString("status")).isEqualTo("done"));
    assertThat(events.get(events.size() - 1).getString("status")).isEqualTo("partial");

    JsonObject report = call(HttpMethod.GET, "/api/reports/" + id, null).json();
    assertThat(report.getString("status")).isEqualTo("partial");
    JsonObject stored = report.getJsonArray("sections").stream().map(o -> (JsonObject) o)
        .filter(s -> s.getString("name").equals("competitive")).findFirst().orElseThrow();
    assertThat(stored.getString("status")).isEqualTo("failed");
    assertThat(stored.getString("error")).isNotBlank();
    assertThat(stored.getValue("body")).isNull();
  }

  @Test
  void aReportReusesTheEvidenceOfAFinishedResearchRun() throws Exception {
    JsonObject batch = new JsonObject().put("research_goal", GOAL)
        .put("company_domains", new JsonArray().add("atlas-freight.com")).put("search_depth", "quick")
        .put("max_parallel_searches", 5).put("confidence_threshold", 0.5);
    Reply research = call(HttpMethod.POST, "/api/research/batch", batch);
    assertThat(research.status()).isEqualTo(200);
    String runId = research.json().getString("research_id");
    long searchesBefore = stack.simulator.stats("tavily").getLong("requests_total");

    Reply created = call(HttpMethod.POST, "/api/reports", new JsonObject().put("domain", "atlas-freight.com")
        .put("research_goal", GOAL).put("research_id", runId));
    List<JsonObject> events = eventsUntilComplete(created.json().getString("report_id"));
    assertThat(events.get(events.size() - 1).getString("status")).isEqualTo("done");
    // the stored evidence was used: no new web searches were made for the report
    assertThat(stack.simulator.stats("tavily").getLong("requests_total")).isEqualTo(searchesBefore);
    JsonObject research1 = ofType(events, "core_step_ready").get(1).getJsonObject("body");
    assertThat(ReportShapes.validate("research", research1)).isEmpty();
  }

  @Test
  void badRequestsNameTheFieldAndUnknownReportsAre404() throws Exception {
    Reply noGoal = call(HttpMethod.POST, "/api/reports", new JsonObject().put("domain", "example-co.com"));
    assertThat(noGoal.status()).isEqualTo(422);
    assertThat(noGoal.json().getJsonObject("error").getString("field")).isEqualTo("research_goal");
    Reply local = call(HttpMethod.POST, "/api/reports", new JsonObject().put("domain", "localhost").put("research_goal", GOAL));
    assertThat(local.status()).isEqualTo(422);
    assertThat(local.json().getJsonObject("error").getString("field")).isEqualTo("domain");
    Reply depth = call(HttpMethod.POST, "/api/reports", new JsonObject().put("domain", "example-co.com")
        .put("research_goal", GOAL).put("search_depth", "deep"));
    assertThat(depth.json().getJsonObject("error").getString("field")).isEqualTo("search_depth");
    assertThat(call(HttpMethod.GET, "/api/reports/rpt_unknown", null).status()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/api/reports/rpt_unknown", null).status()).isEqualTo(404);
  }
}
