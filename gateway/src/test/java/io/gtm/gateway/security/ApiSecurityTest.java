package io.gtm.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.events.JobEventLog;
import io.gtm.gateway.http.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's security against a real gateway and services (issue 9, Security): keys on every API
 * route, the SSE stream and the WebSocket upgrade; jobs private to their key on REST and on
 * subscribe; the job quota on every job-starting route; body limits; WebSocket limits.
 */
class ApiSecurityTest {
  static final String KEY_A = "key-alpha-1111";
  static final String KEY_B = "key-bravo-2222";
  static final String KEY_Q = "key-quota-3333";
  static final int MAX_BODY = 200_000;
  static final String RESEARCH = new JsonObject().put("research_goal", "companies using kubernetes")
      .put("company_domains", List.of("acme.com")).put("search_depth", "quick")
      .put("max_parallel_searches", 4).put("confidence_threshold", 0.5).encode();
  static final String REPORT = new JsonObject().put("domain", "acme.com")
      .put("research_goal", "companies using kubernetes").put("search_depth", "quick").encode();
  static final String BOOK = "Title: A Small Book\n\nCHAPTER I. One\n\n" + "The first chapter. ".repeat(30)
      + "\n\nCHAPTER II. Two\n\n" + "The second chapter. ".repeat(30) + "\n";

  static Vertx vertx;
  static SecurityStack stack;
  static TestHttp http;
  final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    stack = SecurityStack.start(vertx, Map.of(
        "API_KEYS", KEY_A + "," + KEY_B + "," + KEY_Q,
        "API_JOBS_PER_MINUTE", "5",
        "MAX_BODY_BYTES", String.valueOf(MAX_BODY),
        "WS_MAX_SUBSCRIPTIONS", "3",
        "WS_IDLE_TIMEOUT_S", "1",
        "WS_MAX_PENDING", "50")).await(60, TimeUnit.SECONDS);
    http = new TestHttp(stack.port());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  // ---- keys ----

  record Call(String method, String path, String body) {}

  static final List<Call> API_ROUTES = List.of(
      new Call("POST", "/api/research/batch", RESEARCH),
      new Call("POST", "/api/research/batch/stream", RESEARCH),
      new Call("POST", "/research/batch", RESEARCH),
      new Call("POST", "/research/batch/stream", RESEARCH),
      new Call("POST", "/api/research/jobs", RESEARCH),
      new Call("GET", "/api/research/jobs/r-x", null),
      new Call("DELETE", "/api/research/jobs/r-x", null),
      new Call("POST", "/api/documents?title=t", BOOK),
      new Call("GET", "/api/documents/doc_x", null),
      new Call("GET", "/api/documents/doc_x/chapters", null),
      new Call("DELETE", "/api/documents/doc_x", null),
      new Call("POST", "/api/reports", REPORT),
      new Call("GET", "/api/reports/rpt_x", null),
      new Call("DELETE", "/api/reports/rpt_x", null),
      new Call("GET", "/api/no-such-route", null));

  private static HttpResponse<String> call(Call c, String... headers) throws Exception {
    HttpRequest.Builder b = http.request(c.path()).method(c.method(), c.body() == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b);
  }

  @Test
  void everyApiRouteAnswers401JsonWithoutAKeyOrWithAWrongOne() throws Exception {
    for (Call c : API_ROUTES) {
      for (String[] headers : new String[][] {
          {}, {"Authorization", "Bearer wrong-key-0000"}, {"X-API-Key", "wrong-key-0000"},
          {"Authorization", "Basic " + KEY_A}, {"X-API-Key", KEY_A + "x"}}) {
        HttpResponse<String> res = call(c, headers);
        assertThat(res.statusCode()).as(c + " " + String.join(" ", headers)).isEqualTo(401);
        assertThat(TestHttp.error(res).getString("code")).isEqualTo("unauthorized");
        assertThat(res.body()).doesNotContain(KEY_A);
      }
      // the query-string key is for browsers' WebSockets only
      Call withQueryKey = new Call(c.method(), c.path() + (c.path().contains("?") ? "&" : "?") + "api_key=" + KEY_A, c.body());
      assertThat(call(withQueryKey).statusCode()).as(withQueryKey.toString()).isEqualTo(401);
    }
  }

  @Test
  void aValidKeyInEitherHeaderIsAccepted() throws Exception {
    assertThat(call(new Call("GET", "/api/research/jobs/r-none", null), "Authorization", "Bearer " + KEY_B).statusCode())
        .isEqualTo(404);
    assertThat(call(new Call("GET", "/api/research/jobs/r-none", null), "X-API-Key", KEY_B).statusCode())
        .isEqualTo(404);
  }

  @Test
  void webSocketUpgradeNeedsAKeyAndAcceptsItInTheQuery() throws Exception {
    for (String[] variant : new String[][] {
        {"/ws"}, {"/ws?api_key=wrong-key-0000"}, {"/ws", "Authorization: Bearer wrong-key-0000"},
        {"/ws", "X-API-Key: wrong"}}) {
      String[] headers = java.util.Arrays.copyOfRange(variant, 1, variant.length);
      RawHttp.Answer a = RawHttp.exchange(stack.port(), RawHttp.upgrade(variant[0], headers));
      assertThat(a.status()).as(String.join(" ", variant)).isEqualTo(401);
      assertThat(new JsonObject(a.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    }
    assertThat(RawHttp.exchange(stack.port(), RawHttp.upgrade("/ws?api_key=" + KEY_A)).status()).isEqualTo(101);
    assertThat(RawHttp.exchange(stack.port(), RawHttp.upgrade("/ws", "Authorization: Bearer " + KEY_A)).status())
        .isEqualTo(101);
  }

  @Test
  void browserPreflightNeedsNoKey() throws Exception {
    HttpResponse<String> res = http.send(http.request("/api/research/batch")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://example.org").header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type"));
    assertThat(res.statusCode()).isBetween(200, 204);
    assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
  }

  // ---- ownership ----

  @Test
  void anotherKeysJobsAre404OnRestAndNotFoundOnSubscribe() throws Exception {
    String researchId = TestHttp.json(http.post("/api/research/jobs", RESEARCH, "X-API-Key", KEY_A)).getString("research_id");
    String documentId = TestHttp.json(http.post("/api/documents?title=Mine", BOOK, "X-API-Key", KEY_A)).getString("document_id");
    String reportId = TestHttp.json(http.post("/api/reports", REPORT, "X-API-Key", KEY_A)).getString("report_id");
    assertThat(List.of(researchId, documentId, reportId)).doesNotContainNull();

    List<String> paths = List.of("/api/research/jobs/" + researchId, "/api/documents/" + documentId,
        "/api/documents/" + documentId + "/chapters", "/api/reports/" + reportId);
    for (String path : paths) {
      HttpResponse<String> mine = http.get(path, "X-API-Key", KEY_A);
      assertThat(mine.statusCode()).as(path).isEqualTo(200);
      HttpResponse<String> theirs = http.get(path, "X-API-Key", KEY_B);
      assertThat(theirs.statusCode()).as(path).isEqualTo(404);
      assertThat(TestHttp.error(theirs).getString("code")).isEqualTo("not_found");
    }
    for (String path : List.of("/api/research/jobs/" + researchId, "/api/documents/" + documentId, "/api/reports/" + reportId)) {
      HttpResponse<String> del = http.send(http.request(path).DELETE().header("X-API-Key", KEY_B));
      assertThat(del.statusCode()).as("DELETE " + path).isEqualTo(404);
      assertThat(TestHttp.json(http.get(path, "X-API-Key", KEY_A)).getString("status")).as(path).isNotEqualTo("cancelled");
    }

    // subscribe: another key gets not_found and nothing else, for stored and for live jobs
    for (String id : List.of(researchId, documentId, reportId, fakeJob(KEY_A))) {
      WsClient other = WsClient.connect(stack.port(), KEY_B);
      closeAfter.add(other);
      other.send(new JsonObject().put("subscribe", id));
      JsonObject answer = other.next(10_000);
      assertThat(answer).as(id).isNotNull();
      assertThat(answer.getString("type")).isEqualTo("error");
      assertThat(answer.getString("job_id")).isEqualTo(id);
      assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("not_found");
      assertThat(other.next(300)).as("nothing after not_found").isNull();
    }
    // while the owner of a live job is subscribed, and gets its events without the owner field
    String live = fakeJob(KEY_A);
    WsClient owner = WsClient.connect(stack.port(), KEY_A);
    closeAfter.add(owner);
    owner.send(new JsonObject().put("subscribe", live));
    assertThat(owner.next(10_000).getString("type")).isEqualTo("subscribed");
    vertx.eventBus().publish(Addresses.jobEvents(live), new JsonObject().put("type", "pipeline_start").put("id", 1)
        .put("job_id", live).put("owner", SecurityStack.ownerOf(KEY_A)));
    JsonObject event = owner.next(10_000);
    assertThat(event.getString("type")).isEqualTo("pipeline_start");
    assertThat(event.containsKey("owner")).isFalse();

    // a report naming another key's research run does not get its evidence
    HttpResponse<String> report = http.post("/api/reports",
        new JsonObject(REPORT).put("research_id", researchId).encode(), "X-API-Key", KEY_B);
    assertThat(report.statusCode()).isEqualTo(202);
    String theirReport = TestHttp.json(report).getString("report_id");
    assertThat(TestHttp.json(http.get("/api/reports/" + theirReport, "X-API-Key", KEY_B)).getValue("research_id")).isNull();
  }

  // ---- job quota ----

  @Test
  void theJobQuotaCountsEveryJobStartingRouteAndAnswers429WithRetryAfter() throws Exception {
    List<Call> starts = List.of(
        new Call("POST", "/api/research/batch", RESEARCH),
        new Call("POST", "/api/research/batch/stream", RESEARCH),
        new Call("POST", "/api/research/jobs", RESEARCH),
        new Call("POST", "/api/documents?title=q", BOOK),
        new Call("POST", "/api/reports", REPORT));
    for (Call c : starts) {
      assertThat(RawHttp.postStatus(stack.port(), c.path(), c.body(), "X-API-Key: " + KEY_Q)).as(c.toString())
          .isBetween(200, 202);
    }
    for (Call c : starts) {
      HttpResponse<String> res = call(c, "X-API-Key", KEY_Q);
      assertThat(res.statusCode()).as(c.toString()).isEqualTo(429);
      assertThat(TestHttp.error(res).getString("code")).isEqualTo("rate_limited");
      assertThat(Long.parseLong(res.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }
    // the alias counts too, and other keys are not affected
    assertThat(call(new Call("POST", "/research/batch", RESEARCH), "X-API-Key", KEY_Q).statusCode()).isEqualTo(429);
    assertThat(http.get("/api/research/jobs/r-none", "X-API-Key", KEY_B).statusCode()).isEqualTo(404);
  }

  // ---- body limits ----

  @Test
  void bodiesOverTheLimitAre413JsonWithOrWithoutContentLength() throws Exception {
    String bigBook = "CHAPTER I. Big\n\n" + "x".repeat(MAX_BODY + 10);
    String bigJson = new JsonObject(RESEARCH).put("research_goal", "g".repeat(MAX_BODY)).encode();
    for (Call c : List.of(new Call("POST", "/api/documents", bigBook), new Call("POST", "/api/research/jobs", bigJson),
        new Call("POST", "/api/reports", bigJson))) {
      HttpResponse<String> res = call(c, "X-API-Key", KEY_B);
      assertThat(res.statusCode()).as(c.path()).isEqualTo(413);
      assertThat(TestHttp.error(res).getString("code")).isEqualTo("payload_too_large");
      // chunked, so the server cannot tell from a Content-Length
      HttpResponse<String> chunked = http.send(http.request(c.path()).header("X-API-Key", KEY_B)
          .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
              new java.io.ByteArrayInputStream(c.body().getBytes(StandardCharsets.UTF_8)))));
      assertThat(chunked.statusCode()).as("chunked " + c.path()).isEqualTo(413);
      assertThat(TestHttp.error(chunked).getString("code")).isEqualTo("payload_too_large");
    }
  }

  // ---- WebSocket limits ----

  /** A job id the hub sees as live and owned by {@code key}: its flush address answers with that owner. */
  private String fakeJob(String key) throws Exception {
    String id = "sec-" + UUID.randomUUID();
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(JobEventLog.flushAddress(id),
        m -> m.reply(new JsonObject().put("last_seq", 0).put("owner", SecurityStack.ownerOf(key))));
    c.completion().await(5, TimeUnit.SECONDS);
    closeAfter.add(() -> c.unregister());
    return id;
  }

  @Test
  void aConnectionHoldsAtMostTheConfiguredSubscriptions() throws Exception {
    WsClient ws = WsClient.connect(stack.port(), KEY_A);
    closeAfter.add(ws);
    for (int i = 0; i < 3; i++) {
      String id = fakeJob(KEY_A);
      ws.send(new JsonObject().put("subscribe", id));
      assertThat(ws.next(10_000).getString("type")).isEqualTo("subscribed");
    }
    String fourth = fakeJob(KEY_A);
    ws.send(new JsonObject().put("subscribe", fourth));
    JsonObject refused = ws.next(10_000);
    assertThat(refused.getString("type")).isEqualTo("error");
    assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("too_many_subscriptions");
    assertThat(ws.closed).isNotDone();
  }

  @Test
  void aMessageOverTheSizeLimitClosesTheConnection() throws Exception {
    WsClient ws = WsClient.connect(stack.port(), KEY_A);
    closeAfter.add(ws);
    ws.sendText(new JsonObject().put("subscribe", "x".repeat(70_000)).encode());
    assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isIn(1009, -1);
    assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void anIdleConnectionWithoutSubscriptionsIsClosed() throws Exception {
    WsClient idle = WsClient.connect(stack.port(), KEY_A);
    closeAfter.add(idle);
    long t0 = System.nanoTime();
    assertThat(idle.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(500L, 5_000L);
  }

  private static double slowClosed() {
    var c = io.gtm.common.metrics.Metrics.registry().find(io.gtm.common.metrics.MetricNames.WS_CLOSED)
        .tag("reason", "slow").counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedInsteadOfBuffered() throws Exception {
    String id = fakeJob(KEY_A);
    double slowBefore = slowClosed();
    int events = 3000;
    int eventBytes = 8 * 1024;
    long received = 0;
    boolean eof = false;
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", stack.port()), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(RawHttp.upgrade("/ws", "X-API-Key: " + KEY_A).getBytes(StandardCharsets.ISO_8859_1));
      assertThat(RawHttp.read(in).status()).isEqualTo(101);
      out.write(RawHttp.textFrame(new JsonObject().put("subscribe", id).encode()));
      out.flush();
      // the "subscribed" frame: 2 header bytes and a short payload
      int b0 = in.read();
      int len = in.read() & 0x7f;
      assertThat(new String(in.readNBytes(len), StandardCharsets.UTF_8)).contains("subscribed");
      assertThat(b0 & 0x0f).isEqualTo(1);

      // a chatty job: far more than the socket buffers hold, while this client reads nothing
      String filler = "y".repeat(eventBytes);
      for (int i = 1; i <= events; i++) {
        vertx.eventBus().publish(Addresses.jobEvents(id),
            new JsonObject().put("type", "evidence_progress").put("id", i).put("job_id", id).put("pad", filler));
      }
      // the server gives up on this client (before anything is read: reading would let writes complete)
      long waitUntil = System.currentTimeMillis() + 20_000;
      while (slowClosed() < slowBefore + 1 && System.currentTimeMillis() < waitUntil) {
        Thread.sleep(20);
      }
      assertThat(slowClosed()).as("slow-client disconnects").isEqualTo(slowBefore + 1);
      // now read: what was already in the buffers, then the server's close
      byte[] buf = new byte[65536];
      long deadline = System.currentTimeMillis() + 30_000;
      try {
        while (System.currentTimeMillis() < deadline) {
          int n = in.read(buf);
          if (n < 0) {
            eof = true;
            break;
          }
          received += n;
        }
      } catch (SocketTimeoutException e) {
        eof = false;
      } catch (java.io.IOException reset) {
        eof = true;
      }
    }
    long published = (long) events * eventBytes;
    assertThat(eof).as("the server closed the connection (received " + received + " bytes)").isTrue();
    assertThat(received).as("bytes delivered before the close").isLessThan(published / 2);
    // the gateway still serves, and a new connection can subscribe again to replay
    WsClient again = WsClient.connect(stack.port(), KEY_A);
    closeAfter.add(again);
    again.send(new JsonObject().put("subscribe", id));
    assertThat(again.next(10_000).getString("type")).isEqualTo("subscribed");
  }
}
