package io.gtm.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.gateway.http.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated requests (bodies, headers, query strings, lying lengths) at
 * every route of a real gateway with every service behind it: each answer is a 2xx or a 4xx JSON
 * error, never a 5xx, a stack trace or a hang; the engine serves normally afterwards. Seeded, so a
 * failure replays: the failing request is printed with its number.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ApiFuzzTest {
  static final String KEY = "key-fuzz-4444";
  static final long SEED = 20240915L;
  static final int MAX_BODY = 65_536;

  static Vertx vertx;
  static SecurityStack stack;
  static TestHttp http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    stack = SecurityStack.start(vertx, Map.of(
        "API_KEYS", KEY,
        "API_JOBS_PER_MINUTE", "100000",
        "MAX_BODY_BYTES", String.valueOf(MAX_BODY),
        "MAX_PARALLEL_SEARCHES", "8", "MAX_PARALLEL_SEARCHES_CAP", "8")).await(60, TimeUnit.SECONDS);
    http = new TestHttp(stack.port());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void twoThousandFuzzedRequestsGetOnly2xxOr4xxJsonAndTheEngineStillWorks() throws Exception {
    fuzz(2_000);
  }

  @Test
  @Tag("slow")
  void twentyThousandFuzzedRequests() throws Exception {
    fuzz(20_000);
  }

  @Test
  @org.junit.jupiter.api.Order(1) // first: no other job is calling the providers yet
  void aDomainNamingALocalHostIsRejectedBeforeAnySearch() throws Exception {
    long before = providerCalls();
    String self = "127.0.0.1:" + stack.simulator.port();
    for (String domain : List.of(self, "127.0.0.1", "localhost", "2130706433", "[::1]", "http://" + self + "/v1/boards",
        "localhost:" + stack.port(), "user@" + self)) {
      String body = new JsonObject().put("research_goal", "anything").put("company_domains", new JsonArray().add(domain))
          .put("search_depth", "quick").encode();
      var res = http.post("/api/research/batch", body, "X-API-Key", KEY, "Content-Type", "application/json");
      assertThat(res.statusCode()).as(domain).isEqualTo(422);
      assertThat(TestHttp.error(res).getString("field")).as(domain).startsWith("company_domains");
      var report = http.post("/api/reports", new JsonObject().put("domain", domain).put("research_goal", "g").encode(),
          "X-API-Key", KEY);
      assertThat(report.statusCode()).as(domain).isEqualTo(422);
    }
    assertThat(providerCalls()).as("provider calls").isEqualTo(before);
  }

  private static long providerCalls() {
    long total = 0;
    for (String p : List.of("tavily", "newsapi", "greenhouse")) {
      total += stack.simulator.stats(p).getLong("requests_total", 0L);
    }
    return total;
  }

  // ---- the fuzzer ----

  record Route(String method, String path, String kind) {}

  static final List<Route> ROUTES = List.of(
      new Route("POST", "/api/research/batch", "research"),
      new Route("POST", "/api/research/batch/stream", "research"),
      new Route("POST", "/research/batch", "research"),
      new Route("POST", "/research/batch/stream", "research"),
      new Route("POST", "/api/research/jobs", "research"),
      new Route("GET", "/api/research/jobs/{id}", "id"),
      new Route("DELETE", "/api/research/jobs/{id}", "id"),
      new Route("POST", "/api/documents", "document"),
      new Route("GET", "/api/documents/{id}", "id"),
      new Route("GET", "/api/documents/{id}/chapters", "id"),
      new Route("DELETE", "/api/documents/{id}", "id"),
      new Route("POST", "/api/reports", "report"),
      new Route("GET", "/api/reports/{id}", "id"),
      new Route("DELETE", "/api/reports/{id}", "id"),
      new Route("GET", "/ws", "none"),
      new Route("GET", "/health/live", "none"),
      new Route("GET", "/metrics", "none"),
      new Route("GET", "/openapi.yaml", "none"),
      new Route("GET", "/", "none"),
      new Route("GET", "/assets/{id}", "id"),
      new Route("GET", "/api/{id}", "id"));

  record Outcome(int n, String request, int status, String body, String problem, boolean truncated) {
    Outcome(int n, String request, int status, String body, String problem) {
      this(n, request, status, body, problem, false);
    }
  }

  private void fuzz(int count) throws Exception {
    Random seeds = new Random(SEED);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Outcome>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long seed = seeds.nextLong();
      int n = i;
      futures.add(pool.submit(() -> exchange(n, new Random(seed))));
    }
    List<Outcome> problems = Collections.synchronizedList(new ArrayList<>());
    int[] byClass = new int[6];
    int truncated = 0;
    for (Future<Outcome> f : futures) {
      Outcome o = f.get(120, TimeUnit.SECONDS);
      if (o.status() > 0) {
        byClass[o.status() / 100]++;
      }
      if (o.truncated()) {
        truncated++;
      }
      if (o.problem() != null) {
        problems.add(o);
      }
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    System.out.printf("fuzz: %d requests, 2xx %d, 3xx %d, 4xx %d, 5xx %d, no answer %d, streamed bodies cut short %d%n",
        count, byClass[2], byClass[3], byClass[4], byClass[5], count - byClass[2] - byClass[3] - byClass[4] - byClass[5],
        truncated);
    assertThat(problems).as(() -> problems.stream().limit(5)
        .map(p -> "#" + p.n() + " " + p.problem() + "\n" + p.request() + "\n=> " + p.status() + " " + p.body())
        .reduce("", (a, b) -> a + "\n\n" + b)).isEmpty();

    // the engine serves normally afterwards
    assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
    String body = new JsonObject().put("research_goal", "companies hiring rust engineers")
        .put("company_domains", new JsonArray().add("acme.com").add("globex.io")).put("search_depth", "quick").encode();
    String id = TestHttp.json(http.post("/api/research/jobs", body, "X-API-Key", KEY)).getString("research_id");
    long deadline = System.currentTimeMillis() + 30_000;
    String status = null;
    while (System.currentTimeMillis() < deadline && !"done".equals(status)) {
      status = TestHttp.json(http.get("/api/research/jobs/" + id, "X-API-Key", KEY)).getString("status");
      Thread.sleep(100);
    }
    assertThat(status).isEqualTo("done");
  }

  private Outcome exchange(int n, Random r) {
    byte[] request = build(r);
    String shown = new String(request, 0, Math.min(request.length, 600), StandardCharsets.ISO_8859_1);
    boolean lyingLonger = r.nextInt(40) == 0;
    try (Socket s = new Socket("127.0.0.1", stack.port())) {
      s.setSoTimeout(30_000);
      if (lyingLonger) {
        // a Content-Length that promises more than is sent, then the client stops sending
        String head = "POST /api/research/jobs HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"research_goal\":";
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        s.shutdownOutput();
        int b = s.getInputStream().read();
        return new Outcome(n, head, 0, "", b < 0 ? null : checkRaw(s, b));
      }
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      RawHttp.Answer a;
      try {
        a = RawHttp.read(s.getInputStream());
      } catch (SocketTimeoutException e) {
        return new Outcome(n, shown, -1, "", "no answer within 30 s (hang)");
      } catch (IOException closed) {
        // the server may close a connection whose request it cannot parse; never a hang
        return new Outcome(n, shown, 0, "", null);
      }
      boolean head = shown.startsWith("HEAD ");
      return new Outcome(n, shown, a.status(), a.body(), head && a.status() < 500 ? null : problem(a), a.truncated());
    } catch (IOException e) {
      return new Outcome(n, shown, 0, "", null);
    }
  }

  private static String checkRaw(Socket s, int first) throws IOException {
    byte[] rest = s.getInputStream().readNBytes(12);
    String head = (char) first + new String(rest, StandardCharsets.ISO_8859_1);
    return head.startsWith("HTTP/1.1 4") ? null : "a truncated body was answered " + head;
  }

  static String problem(RawHttp.Answer a) {
    String body = a.body();
    if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.") || body.contains("at java.")) {
      return "stack trace text in the answer";
    }
    if (a.status() >= 500) {
      return "5xx answer";
    }
    if (a.status() >= 400) {
      try {
        JsonObject error = new JsonObject(body).getJsonObject("error");
        if (error == null || error.getString("code") == null || error.getString("message") == null) {
          return "4xx without the JSON error body";
        }
      } catch (RuntimeException e) {
        return "4xx body is not JSON";
      }
    } else if (a.status() < 200) {
      return "unexpected status " + a.status();
    }
    return null;
  }

  // ---- request generation ----

  static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json; charset=latin1",
      "garbage", "", "*/*", "application/octet-stream", "text/plain; charset=utf-16"};
  static final String[] WEIRD_STRINGS = {"", " ", "\u0000", "💥🚀", "\uD800", "\u202e", "null", "true", "-1", "1e999999",
      "../../etc/passwd", "%00", "<script>alert(1)</script>", "'; DROP TABLE research_runs; --", "acme.com",
      "127.0.0.1", "localhost", "x".repeat(5000), "{{DOMAIN}}", "${jndi:ldap://x}", "\\", "\"", "\r\n"};

  private byte[] build(Random r) {
    Route route = ROUTES.get(r.nextInt(ROUTES.size()));
    String method = r.nextInt(12) == 0
        ? new String[] {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"}[r.nextInt(9)]
        : route.method();
    String path = route.path().replace("{id}", id(r)) + query(r);
    byte[] body = body(route.kind(), r);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    switch (r.nextInt(10)) {
      case 0 -> { }
      case 1 -> head.append("Authorization: ").append(garbage(r, 300)).append("\r\n");
      case 2 -> head.append("X-API-Key: ").append(garbage(r, 100)).append("\r\n");
      case 3 -> head.append("Authorization: Bearer ").append(KEY).append(garbage(r, 3)).append("\r\n");
      default -> head.append(r.nextBoolean() ? "Authorization: Bearer " : "X-API-Key: ").append(KEY).append("\r\n");
    }
    if (r.nextInt(4) != 0) {
      head.append("Content-Type: ").append(CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)]).append("\r\n");
    }
    if (r.nextInt(8) == 0) {
      head.append(new String[] {"Accept", "Last-Event-ID", "Origin", "Upgrade", "Transfer-Encoding", "Expect",
          "Content-Encoding", "Cookie"}[r.nextInt(8)]).append(": ").append(garbage(r, 200)).append("\r\n");
    }
    int length = body.length;
    if (r.nextInt(15) == 0 && body.length > 0) {
      length = r.nextInt(body.length); // shorter than the body: the rest reads as a next request
    }
    if (body.length > 0 || r.nextBoolean()) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static String garbage(Random r, int max) {
    int n = r.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      char c = (char) (r.nextInt(5) == 0 ? 0x80 + r.nextInt(0x780) : 0x20 + r.nextInt(0x5f));
      sb.append(c);
    }
    return sb.toString();
  }

  private static String id(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> "r-" + java.util.UUID.randomUUID();
      case 1 -> "doc_" + Long.toHexString(r.nextLong());
      case 2 -> "%" + Integer.toHexString(r.nextInt(256));
      case 3 -> "%zz";
      case 4 -> "x".repeat(r.nextInt(3000));
      case 5 -> "..%2f..%2fetc";
      case 6 -> "%F0%9F%92%A5";
      default -> "rpt_" + r.nextInt(1000);
    };
  }

  private static String query(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> "?offset=" + pick(r, "-1", "99999999999999999999", "abc", "1e3", "%", "%g1", "");
      case 1 -> "?limit=" + pick(r, "0", "100000", "-5", "NaN", "2147483648") + "&offset=" + r.nextInt();
      case 2 -> "?title=" + "t".repeat(r.nextInt(9000));
      case 3 -> "?title=%E0%A4%A" + "&x=%";
      case 4 -> "?api_key=" + KEY + "&title=%C3%28";
      case 5 -> "?" + "a=1&".repeat(r.nextInt(2000));
      default -> "";
    };
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private byte[] body(String kind, Random r) {
    JsonObject valid = switch (kind) {
      case "research" -> new JsonObject().put("research_goal", "companies using kubernetes")
          .put("company_domains", new JsonArray().add("acme.com").add("globex.io")).put("search_depth", "quick")
          .put("max_parallel_searches", 4).put("confidence_threshold", 0.5);
      case "report" -> new JsonObject().put("domain", "acme.com").put("research_goal", "kubernetes")
          .put("search_depth", "quick");
      default -> null;
    };
    if (kind.equals("document")) {
      return switch (r.nextInt(6)) {
        case 0 -> new byte[0];
        case 1 -> randomBytes(r, 2000);
        case 2 -> ("CHAPTER I. A\n\n" + "word ".repeat(r.nextInt(20_000))).getBytes(StandardCharsets.UTF_8);
        case 3 -> "\uFEFF\r\nCHAPTER IV\r\n\r\nText \u0000 here".getBytes(StandardCharsets.UTF_8);
        case 4 -> invalidUtf8(r, "CHAPTER I. One\n\nSome text of the first chapter.\n");
        default -> ("Title: T\n\nCHAPTER I. One\n\n" + "Text. ".repeat(50)).getBytes(StandardCharsets.UTF_8);
      };
    }
    if (valid == null) {
      return r.nextInt(5) == 0 ? randomBytes(r, 300) : new byte[0];
    }
    return switch (r.nextInt(12)) {
      case 0 -> new byte[0];
      case 1 -> randomBytes(r, 3000);
      case 2 -> truncate(valid.encode(), r);
      case 3 -> invalidUtf8(r, valid.encode());
      case 4 -> nested(r.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
      case 5 -> pick(r, "[]", "null", "42", "\"text\"", "true", "[{}]", "{}", "{\"a\":1,\"a\":2}")
          .getBytes(StandardCharsets.UTF_8);
      case 6 -> ("{\"research_goal\":\"g\",\"company_domains\":[" + "\"a.com\",".repeat(r.nextInt(20_000)) + "\"b.com\"]}")
          .getBytes(StandardCharsets.UTF_8);
      default -> mutate(valid, r).encode().getBytes(StandardCharsets.UTF_8);
    };
  }

  private static JsonObject mutate(JsonObject valid, Random r) {
    JsonObject m = valid.copy();
    int changes = 1 + r.nextInt(3);
    for (int i = 0; i < changes; i++) {
      List<String> names = new ArrayList<>(m.fieldNames());
      String field = names.isEmpty() || r.nextInt(6) == 0 ? pick(r, "extra", "research_id", "__proto__", "")
          : names.get(r.nextInt(names.size()));
      m.put(field, weirdValue(r, 0));
    }
    if (r.nextInt(8) == 0 && !m.isEmpty()) {
      m.remove(m.fieldNames().iterator().next());
    }
    return m;
  }

  private static Object weirdValue(Random r, int depth) {
    return switch (r.nextInt(depth > 2 ? 8 : 11)) {
      case 0 -> null;
      case 1 -> r.nextLong();
      case 2 -> pick(r, "1e308", "-0", "NaN").equals("NaN") ? Double.MAX_VALUE : -1e308;
      case 3 -> r.nextDouble() * 4 - 2;
      case 4 -> r.nextBoolean();
      case 5 -> new java.math.BigInteger(200, r);
      case 6, 7 -> WEIRD_STRINGS[r.nextInt(WEIRD_STRINGS.length)];
      case 8 -> new JsonArray().add(weirdValue(r, depth + 1)).add(weirdValue(r, depth + 1));
      case 9 -> new JsonObject().put("k", weirdValue(r, depth + 1));
      default -> new JsonArray().add("acme.com").add(WEIRD_STRINGS[r.nextInt(WEIRD_STRINGS.length)]);
    };
  }

  private static String nested(int depth) {
    return "{\"research_goal\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
  }

  private static byte[] truncate(String json, Random r) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(b, r.nextInt(Math.max(1, b.length)));
  }

  private static byte[] invalidUtf8(Random r, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      b[r.nextInt(b.length)] = (byte) pick(r, "128", "192", "255", "237").transform(Integer::parseInt).intValue();
    }
    return b;
  }

  private static byte[] randomBytes(Random r, int max) {
    byte[] b = new byte[r.nextInt(max + 1)];
    r.nextBytes(b);
    return b;
  }
}
