package io.gtm.gateway.research;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Blocking HTTP calls to the test stack's gateway, for test threads. */
final class ResearchHttp {
  static final String GOAL = "fintech companies using Kubernetes";

  record Reply(int status, String body, String contentType, String retryAfter) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  private final HttpClient http;
  private final int port;

  ResearchHttp(Vertx vertx, int port) {
    this.http = vertx.createHttpClient(io.gtm.gateway.reports.TestHttpClients.OPTIONS, new PoolOptions().setHttp1MaxSize(8));
    this.port = port;
  }

  static JsonObject body(List<String> domains, String depth) {
    return new JsonObject().put("research_goal", GOAL)
        .put("company_domains", new JsonArray(new ArrayList<>(domains))).put("search_depth", depth)
        .put("max_parallel_searches", 10).put("confidence_threshold", 0.5);
  }

  Reply call(HttpMethod method, String path, String body) throws Exception {
    Future<Reply> f = http.request(new RequestOptions().setMethod(method).setPort(port).setHost("127.0.0.1").setURI(path)
            .setIdleTimeout(20_000))
        .compose(req -> {
          req.putHeader("Content-Type", "application/json");
          return body == null ? req.send() : req.send(Buffer.buffer(body));
        })
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString(), res.getHeader("Content-Type"),
            res.getHeader("Retry-After"))));
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // a stuck call: show where every thread is, to tell a blocked event loop from a lost request
      StringBuilder dump = new StringBuilder("no answer to " + method + " " + path + " in 60 s; threads:\n");
      for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
        dump.append(t);
      }
      System.out.println(dump);
      throw e;
    }
  }

  Reply post(String path, JsonObject body) throws Exception {
    return call(HttpMethod.POST, path, body.encode());
  }

  Reply get(String path) throws Exception {
    return call(HttpMethod.GET, path, null);
  }

  /** Polls the job until {@code until} holds for its state (limit=1 page), or fails after the deadline. */
  JsonObject pollJob(String id, Predicate<JsonObject> until, long deadlineMs) throws Exception {
    long deadline = System.currentTimeMillis() + deadlineMs;
    JsonObject state;
    do {
      state = get("/api/research/jobs/" + id + "?limit=1").json();
      if (until.test(state)) {
        return state;
      }
      Thread.sleep(20);
    } while (System.currentTimeMillis() < deadline);
    throw new AssertionError("job " + id + " did not reach the expected state: " + state.encode());
  }

  JsonObject awaitDone(String id) throws Exception {
    return pollJob(id, s -> !List.of("queued", "running").contains(s.getString("status")), 30_000);
  }

  /**
   * Parses an SSE body: {@code retry: 1000} first, then blocks of {@code id:}, {@code event:},
   * {@code data:} whose JSON carries the same type and id.
   */
  static List<JsonObject> sseEvents(String body) {
    assertThat(body).startsWith("retry: 1000\n\n");
    List<JsonObject> events = new ArrayList<>();
    for (String block : body.substring("retry: 1000\n\n".length()).split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines).hasSize(3);
      assertThat(lines[0]).startsWith("id: ");
      assertThat(lines[1]).startsWith("event: ");
      assertThat(lines[2]).startsWith("data: ");
      JsonObject data = new JsonObject(lines[2].substring(6));
      assertThat(data.getLong("id")).isEqualTo(Long.parseLong(lines[0].substring(4)));
      assertThat(data.getString("type")).isEqualTo(lines[1].substring(7));
      events.add(data);
    }
    return events;
  }

  /** The sum of a Prometheus series' samples whose labels include every one of {@code labels}. */
  double metric(String name, String... labels) throws Exception {
    String text = get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$").matcher(text);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      String l = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= l.contains(label);
      }
      if (all) {
        found = true;
        sum += Double.parseDouble(m.group(2));
      }
    }
    if (!found) {
      throw new AssertionError("no series " + name + " with " + List.of(labels));
    }
    return sum;
  }
}
