package io.gtm.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator and {@code engine.jar all} as OS processes, started with recognisable API keys,
 * provider keys and a database password; jobs run into provider failures (a wrong Tavily key, a
 * NewsAPI answering 500s, an LLM out of quota) and bad requests are sent. None of the secrets may
 * appear in any log line, any answer (bodies and headers, {@code /metrics}, {@code /health/ready})
 * or any stored row.
 */
class SecretsIT {
  static final String API_KEY_A = "key-AAAA-9f3c-SECRET";
  static final String API_KEY_B = "key-BBBB-77aa-SECRET";
  static final String LLM_KEY = "sk-llm-SECRET-5d1e";
  static final String TAVILY_KEY = "tvly-SECRET-8c2b";
  static final String NEWS_KEY = "news-SECRET-4a7f";
  static final String DB_PASSWORD = "pgpw-SECRET-3e9d";
  static final List<String> SECRETS = List.of(API_KEY_A, API_KEY_B, LLM_KEY, TAVILY_KEY, NEWS_KEY, DB_PASSWORD);
  static final List<String> TABLES = List.of("research_runs", "company_results", "job_events", "documents", "chapters",
      "reports", "report_sections");

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StringBuilder seen = new StringBuilder();
  private final List<Process> processes = new ArrayList<>();

  @ParameterizedTest
  @ValueSource(strings = {"text", "json"})
  void noSecretAppearsInLogsAnswersMetricsOrStoredRows(String logFormat) throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "it-logs"));
    Path simLog = logs.resolve("secrets-sim-" + logFormat + ".log");
    Path engineLog = logs.resolve("secrets-engine-" + logFormat + ".log");
    int simPort = TestPorts.free();
    int httpPort = TestPorts.free();
    String sim = "http://127.0.0.1:" + simPort;
    try {
      // providers that fail: Tavily refuses our key (401), NewsAPI answers 500s, the LLM is out of quota
      JsonObject simConfig = new JsonObject()
          .put("tavily", new JsonObject().put("api_keys", new JsonArray().add("tvly-the-right-one")))
          .put("newsapi", new JsonObject().put("error_500_rate", 0.7))
          .put("openai", new JsonObject().put("terminal_quota", true));
      Map<String, String> simEnv = new HashMap<>();
      simEnv.put("SIMULATOR_CONFIG", simConfig.encode());
      simEnv.put("LOG_FORMAT", logFormat);
      start(simEnv, simLog, "simulator", "--port", String.valueOf(simPort));
      awaitUp(sim + "/admin/health");

      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", String.valueOf(httpPort));
      env.put("METRICS_PORT", "0");
      env.put("LOG_FORMAT", logFormat);
      env.put("API_KEYS", API_KEY_A + "," + API_KEY_B);
      env.put("LLM_PROVIDER", "openai");
      env.put("LLM_BASE_URL", sim + "/v1");
      env.put("LLM_API_KEY", LLM_KEY);
      env.put("TAVILY_BASE_URL", sim);
      env.put("TAVILY_API_KEY", TAVILY_KEY);
      env.put("NEWSAPI_BASE_URL", sim);
      env.put("NEWSAPI_KEY", NEWS_KEY);
      env.put("GREENHOUSE_BASE_URL", sim);
      env.put("DATABASE_URL", "postgresql://postgres:" + DB_PASSWORD + "@127.0.0.1:5432/postgres");
      env.put("PROVIDER_MAX_RETRIES", "1");
      env.put("PROVIDER_TIMEOUT_MS", "3000");
      env.put("DB_BATCH_MS", "20");
      Process engine = start(env, engineLog, "all");
      String api = "http://127.0.0.1:" + httpPort;
      awaitUp(api + "/health/live");

      // jobs that run into the failures
      String research = new JsonObject().put("research_goal", "companies using kubernetes")
          .put("company_domains", new JsonArray().add("acme.com").add("globex.io")).put("search_depth", "quick").encode();
      String researchId = new JsonObject(send(post(api + "/api/research/jobs", research).header("X-API-Key", API_KEY_A)))
          .getString("research_id");
      String documentId = new JsonObject(send(post(api + "/api/documents?title=Secret%20Test",
          "Title: T\n\nCHAPTER I. One\n\n" + "Text of one. ".repeat(40) + "\n\nCHAPTER II. Two\n\n" + "Text. ".repeat(40))
          .header("Authorization", "Bearer " + API_KEY_A))).getString("document_id");
      String reportId = new JsonObject(send(post(api + "/api/reports",
          new JsonObject().put("domain", "acme.com").put("research_goal", "kubernetes").encode())
          .header("X-API-Key", API_KEY_B))).getString("report_id");
      send(post(api + "/api/research/batch", research).header("X-API-Key", API_KEY_B));
      send(post(api + "/api/research/batch/stream", research).header("X-API-Key", API_KEY_A));

      // bad requests, some carrying secrets the server must not echo
      send(get(api + "/api/research/jobs/" + researchId).header("X-API-Key", API_KEY_A + "x"));
      send(get(api + "/api/research/jobs/" + researchId).header("Authorization", "Bearer " + LLM_KEY));
      send(get(api + "/api/research/jobs/" + researchId + "?api_key=" + API_KEY_A));
      send(get(api + "/api/reports/" + reportId).header("X-API-Key", API_KEY_A));
      send(post(api + "/api/research/jobs", "{\"research_goal\": \"" + TAVILY_KEY + "\", \"company_domains\": 7}")
          .header("X-API-Key", API_KEY_A));
      send(post(api + "/api/research/jobs", "{not json " + NEWS_KEY).header("X-API-Key", API_KEY_A));
      send(get(api + "/api/nothing-here").header("X-API-Key", API_KEY_A));
      send(get(api + "/ws?api_key=" + API_KEY_B));

      // wait for the jobs to settle
      awaitStatus(api + "/api/research/jobs/" + researchId, API_KEY_A, List.of("done", "failed"));
      awaitStatus(api + "/api/reports/" + reportId, API_KEY_B, List.of("done", "partial", "failed"));
      send(get(api + "/api/documents/" + documentId).header("X-API-Key", API_KEY_A));
      send(get(api + "/api/documents/" + documentId + "/chapters").header("X-API-Key", API_KEY_A));
      send(get(api + "/metrics"));
      send(get(api + "/health/ready"));
      send(get(api + "/health/live"));

      // the failures really happened, so the search is meaningful
      JsonObject tavily = new JsonObject(send(get(sim + "/admin/stats/tavily")));
      JsonObject openai = new JsonObject(send(get(sim + "/admin/stats/openai")));
      assertThat(tavily.getJsonObject("by_status").getInteger("401", 0)).as("tavily 401s").isPositive();
      assertThat(openai.getJsonObject("by_status").getInteger("429", 0)).as("openai quota 429s").isPositive();
      assertThat(seen.toString()).contains("/metrics -> 200").contains("-> 401").contains("-> 400").contains("-> 404");
      engine.destroy();
      assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();

      String engineText = Files.readString(engineLog);
      String simText = Files.readString(simLog);
      assertThat(engineText).as("log lines exist").contains("breaker tavily open");
      String rows = storedRows(List.of(researchId, documentId, reportId));
      assertThat(rows).as("stored rows of the jobs").contains(researchId).contains(reportId);
      for (String secret : SECRETS) {
        assertThat(engineText).as("engine log (%s) contains %s", logFormat, secret).doesNotContain(secret);
        assertThat(simText).as("simulator log contains %s", secret).doesNotContain(secret);
        assertThat(seen.toString()).as("answers contain %s", secret).doesNotContain(secret);
        assertThat(rows).as("stored rows contain %s", secret).doesNotContain(secret);
        assertThat(tablesContaining(secret)).as("tables containing %s", secret).isEmpty();
      }
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  // ---- helpers ----

  private Process start(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-jar", jar()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static String jar() {
    String jar = System.getProperty("engine.jar", "target/engine.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("engine jar not found at " + jar + " (run mvn package first)");
    }
    return jar;
  }

  private void awaitUp(String url) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(url + " did not come up");
  }

  private void awaitStatus(String url, String key, List<String> finals) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      String status = new JsonObject(send(get(url).header("X-API-Key", key))).getString("status");
      if (finals.contains(status)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(url + " did not finish");
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
  }

  private static HttpRequest.Builder post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** Sends, records the status line, headers and body of the answer, and returns the body. */
  private String send(HttpRequest.Builder req) throws Exception {
    HttpRequest r = req.build();
    try {
      HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
      seen.append(r.method()).append(' ').append(r.uri().getPath()).append(" -> ").append(res.statusCode()).append('\n')
          .append(res.headers().map()).append('\n').append(res.body()).append("\n\n");
      return res.body();
    } catch (IOException e) {
      seen.append(r.uri().getPath()).append(" -> ").append(e).append('\n');
      return "{}";
    }
  }

  private static String psql(String sql) throws Exception {
    Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-At", "-c", sql)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Every stored row of the jobs, as text. */
  private static String storedRows(List<String> ids) throws Exception {
    String in = String.join(",", ids.stream().map(id -> "'" + id.replace("'", "") + "'").toList());
    StringBuilder sb = new StringBuilder();
    sb.append(psql("select t::text from research_runs t where id in (" + in + ")"));
    sb.append(psql("select t::text from company_results t where run_id in (" + in + ")"));
    sb.append(psql("select t::text from job_events t where job_id in (" + in + ")"));
    sb.append(psql("select t::text from documents t where id in (" + in + ")"));
    sb.append(psql("select t::text from chapters t where document_id in (" + in + ")"));
    sb.append(psql("select t::text from reports t where id in (" + in + ")"));
    sb.append(psql("select t::text from report_sections t where report_id in (" + in + ")"));
    return sb.toString();
  }

  /** The tables with any row whose text holds {@code secret} (a whole-table search: the secrets are unique). */
  private static List<String> tablesContaining(String secret) throws Exception {
    List<String> out = new ArrayList<>();
    for (String table : TABLES) {
      String n = psql("select count(*) from " + table + " t where strpos(t::text, '" + secret + "') > 0").trim();
      if (!n.equals("0")) {
        out.add(table + ": " + n);
      }
    }
    return out;
  }
}
