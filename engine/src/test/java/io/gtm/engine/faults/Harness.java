package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** What the fault scenarios share: starting an engine against the simulator, the API, polling, the database. */
final class Harness {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<String> PROVIDERS = List.of("openai", "tavily", "newsapi", "greenhouse");
  /** A database of our own: engines take over work left in their database by dead processes, so never share one. */
  static final String DATABASE = "gtm_faults";
  static final String DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/" + DATABASE;
  static final List<String> FINAL = List.of("done", "partial", "failed", "cancelled");

  private Harness() {}

  /** The environment of an {@code all} engine whose every provider is the simulator. */
  static Map<String, String> env(Simulator sim, int port, String tag) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATABASE_URL", DATABASE_URL);
    env.put("CLUSTER_NAME", "faults-" + tag + "-" + System.nanoTime());
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", sim.openAiBaseUrl());
    env.put("LLM_API_KEY", "sk-faults");
    env.put("TAVILY_BASE_URL", sim.baseUrl());
    env.put("TAVILY_API_KEY", "tvly-faults");
    env.put("NEWSAPI_BASE_URL", sim.baseUrl());
    env.put("NEWSAPI_KEY", "news-faults");
    env.put("GREENHOUSE_BASE_URL", sim.baseUrl());
    env.put("API_JOBS_PER_MINUTE", "1000");
    env.put("DB_BATCH_MS", "50");
    env.put("SUMMARIZER_CACHE_SALT", tag + "-" + System.nanoTime());
    return env;
  }

  /**
   * The simulator in this JVM, every search provider (Tavily, NewsAPI, Greenhouse) answering with
   * the given median and p99 latency in ms, and the LLM with its own.
   */
  static Simulator simulator(io.vertx.core.Vertx vertx, int searchMedian, int searchP99, int llmMedian, int llmP99)
      throws Exception {
    Simulator sim = Simulator.start(vertx, 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (String p : List.of("tavily", "newsapi", "greenhouse")) {
      sim.configure(p, new JsonObject().put("latency_median_ms", searchMedian).put("latency_p99_ms", searchP99));
    }
    sim.configure("openai", new JsonObject().put("latency_median_ms", llmMedian).put("latency_p99_ms", llmP99));
    return sim;
  }

  /** Closes a test's Vert.x (and the simulator in it), if it was started. */
  static void close(io.vertx.core.Vertx vertx) throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static EngineProcess startEngine(String name, Map<String, String> env, String... args) throws Exception {
    ensureDatabase();
    String[] cmd = args.length == 0 ? new String[] {"all"} : args;
    EngineProcess engine = EngineProcess.start(name, env, cmd);
    // a test JVM stopped from outside (SIGTERM to Maven) runs no finally block: never leave an engine behind
    Runtime.getRuntime().addShutdownHook(new Thread(engine.process::destroyForcibly));
    String api = "http://127.0.0.1:" + env.get("HTTP_PORT");
    await(name + " /health/live (log " + engine.log + ")", Duration.ofSeconds(90),
        () -> engine.process.isAlive() && status(api + "/health/live") == 200);
    return engine;
  }

  static int freePort() {
    return TestPorts.free();
  }

  static List<String> domains(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-co" + i + ".com").toList();
  }

  static JsonObject researchBody(List<String> domains, String depth, int parallel) {
    return new JsonObject().put("research_goal", "companies adopting Kubernetes and hiring data engineers")
        .put("company_domains", new JsonArray(domains)).put("search_depth", depth)
        .put("max_parallel_searches", parallel).put("confidence_threshold", 0.5);
  }

  static String startResearch(String api, JsonObject body) throws Exception {
    HttpResponse<String> r = post(api + "/api/research/jobs", body.encode(), "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("research_id");
  }

  static String startDocument(String api, String text, String title) throws Exception {
    HttpResponse<String> r = post(api + "/api/documents?title=" + title, text, "text/plain");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("document_id");
  }

  /** The job's JSON, or null when the engine does not answer 200. */
  static JsonObject getJson(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** A GET's whole answer (status, headers, body), whatever its status. */
  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonArray getArray(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonArray(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  static boolean finished(String url) {
    JsonObject j = getJson(url);
    return j != null && j.getString("status") != null && FINAL.contains(j.getString("status"));
  }

  static JsonObject awaitFinished(String url, Duration timeout) throws InterruptedException {
    await(url + " finished", timeout, () -> finished(url));
    return getJson(url);
  }

  static HttpResponse<String> post(String url, String body, String contentType) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static String text(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  /** Sum of a Prometheus series' samples whose labels contain every given {@code name="value"} (or {@code name!="value"}). */
  static double metric(String metrics, String name, String... labelFilters) {
    double sum = 0;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(metrics);
    outer:
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      for (String f : labelFilters) {
        boolean negate = f.contains("!=");
        String want = negate ? f.replace("!=", "=") : f;
        if (labels.contains(want) == !negate) {
          continue;
        }
        continue outer;
      }
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /** The largest sample of a series (any labels). */
  static double max(String metrics, String name) {
    double max = 0;
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE).matcher(metrics);
    while (m.find()) {
      max = Math.max(max, Double.parseDouble(m.group(2)));
    }
    return max;
  }

  static long simulatorRequests(Simulator sim) {
    long total = 0;
    for (String p : PROVIDERS) {
      total += sim.stats(p).getLong("requests_total", 0L);
    }
    return total;
  }

  static synchronized void ensureDatabase() throws Exception {
    if (!sql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'").equals("1")) {
      sql("postgres", "CREATE DATABASE " + DATABASE);
    }
  }

  /** One value from our database, through psql. */
  static String sql(String query) throws Exception {
    return sql(DATABASE, query);
  }

  static String sql(String database, String query) throws Exception {
    return output("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", query);
  }

  /** A research job's last state, and the longest it went without a newly finished domain. */
  record Watched(JsonObject last, long longestStallMs) {}

  /**
   * Polls a research job from {@code start} until it ends (or {@code timeout}), measuring the
   * longest time without a newly completed domain: how long a fault held the job up.
   */
  static Watched watchUntilFinal(String url, JsonObject start, Duration timeout) throws InterruptedException {
    long longestStallMs = 0;
    long lastChange = System.nanoTime();
    int last = start.getInteger("completed_companies", 0);
    JsonObject research = start;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!FINAL.contains(research.getString("status")) && System.nanoTime() < deadline) {
      Thread.sleep(200); // polling the job with a deadline
      JsonObject r = getJson(url);
      if (r == null) {
        continue;
      }
      research = r;
      int c = r.getInteger("completed_companies", 0);
      long now = System.nanoTime();
      longestStallMs = Math.max(longestStallMs, (now - lastChange) / 1_000_000);
      if (c != last) {
        last = c;
        lastChange = now;
      }
    }
    return new Watched(research, longestStallMs);
  }

  /** What a command prints (standard output and error), trimmed. */
  static String output(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = Harness.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Great Expectations from the shared corpus when this machine has it, else the bundled sample book. */
  static String longBook() throws IOException {
    java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath();
    while (p != null) {
      java.nio.file.Path candidate = p.resolve("shared").resolve("corpus").resolve("great-expectations.txt");
      if (java.nio.file.Files.isReadable(candidate)) {
        return java.nio.file.Files.readString(candidate, StandardCharsets.UTF_8);
      }
      p = p.getParent();
    }
    return resource("/demo/sample-book.txt");
  }

  /** The time stamp of the first line of a process's log that contains {@code marker} (lines start with an ISO instant). */
  static java.time.Instant logTime(String output, String marker) {
    String line = output.lines().filter(l -> l.contains(marker)).findFirst()
        .orElseThrow(() -> new AssertionError("no log line with: " + marker));
    return java.time.Instant.parse(line.substring(0, line.indexOf(' ')));
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200); // polling a condition with a deadline, not a fixed wait
    }
  }
}
