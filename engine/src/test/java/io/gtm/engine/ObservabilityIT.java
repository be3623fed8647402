package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboards and alert rules proven against a real Prometheus: the engine jar runs {@code all}
 * against the simulator (with some faults and a tight provider limit so that failure, 429 and
 * rate-limit-wait series exist), Prometheus scrapes it every second while it researches a batch,
 * summarises a book and writes a report; then every PromQL expression of every dashboard panel
 * must answer with at least one series, and every rule must evaluate without error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private Simulator simulator;
  private EngineProcess engine;
  private Process prometheus;
  private int enginePort;
  private int promPort;

  @BeforeAll
  void start() throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed (apt-get install prometheus)");
    }
    vertx = Vertx.vertx();
    simulator = Simulator.start(vertx, 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // faults so that failure series exist; Tavily limited below what the engine sends, so 429s arrive
    simulator.configure("tavily", new JsonObject().put("error_500_rate", 0.05).put("rpm", 40));
    simulator.configure("openai", new JsonObject().put("error_500_rate", 0.03));
    enginePort = TestPorts.free();
    engine = EngineProcess.start("observability", Map.ofEntries(
        Map.entry("HTTP_PORT", String.valueOf(enginePort)),
        Map.entry("CLUSTER_NAME", "obs-" + System.nanoTime()),
        Map.entry("LLM_PROVIDER", "openai"), Map.entry("LLM_BASE_URL", simulator.openAiBaseUrl()),
        Map.entry("LLM_API_KEY", "sk-observability"),
        Map.entry("TAVILY_BASE_URL", simulator.baseUrl()), Map.entry("TAVILY_API_KEY", "tvly-observability"),
        Map.entry("TAVILY_RPM", "0"),
        Map.entry("NEWSAPI_BASE_URL", simulator.baseUrl()), Map.entry("NEWSAPI_KEY", "news-observability"),
        Map.entry("NEWSAPI_RPM", "90"),
        Map.entry("GREENHOUSE_BASE_URL", simulator.baseUrl()),
        Map.entry("PROVIDER_MAX_RETRIES", "2"), Map.entry("DB_BATCH_MS", "50"),
        // summaries are cached in PostgreSQL across runs: a salt of this run's own makes the book cost LLM calls
        Map.entry("SUMMARIZER_CACHE_SALT", "observability-" + System.nanoTime())), "all");
    awaitTrue("engine /health/live", Duration.ofSeconds(60), () -> get("http://127.0.0.1:" + enginePort + "/health/live") == 200);

    promPort = TestPorts.free();
    Path dir = Files.createTempDirectory("gtm-prometheus");
    Files.createDirectories(dir.resolve("rules"));
    Files.copy(DEPLOY.resolve("prometheus/rules/gtm-alerts.yml"), dir.resolve("rules/gtm-alerts.yml"));
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - rules/gtm-alerts.yml
        scrape_configs:
          - job_name: gtm
            honor_labels: true
            static_configs:
              - targets: ['127.0.0.1:%d']
                labels: {service: all}
        """.formatted(enginePort));
    prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    awaitTrue("prometheus ready", Duration.ofSeconds(60), () -> get("http://127.0.0.1:" + promPort + "/-/ready") == 200);
  }

  @AfterAll
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
    if (engine != null) {
      engine.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyDashboardPanelAnswersWithSeriesAndEveryRuleEvaluates() throws Exception {
    String api = "http://127.0.0.1:" + enginePort;
    // a research batch, a book and a report, so that every pipeline emits its series
    JsonObject batch = new JsonObject().put("research_goal", "companies adopting Kubernetes and hiring data engineers")
        .put("company_domains", new JsonArray(IntStream.range(0, 30).mapToObj(i -> "observed-co" + i + ".com").toList()))
        .put("search_depth", "standard").put("max_parallel_searches", 8).put("confidence_threshold", 0.5);
    HttpResponse<String> research = post(api + "/api/research/batch", batch.encode(), "application/json");
    assertThat(research.statusCode()).as(research.body()).isEqualTo(200);

    String book = resource("/demo/sample-book.txt");
    HttpResponse<String> doc = post(api + "/api/documents?title=Gull%20Rock", book, "text/plain");
    assertThat(doc.statusCode()).as(doc.body()).isEqualTo(202);
    String docId = new JsonObject(doc.body()).getString("document_id");
    HttpResponse<String> report = post(api + "/api/reports", new JsonObject().put("domain", "observed-co1.com")
        .put("research_goal", "Kubernetes adopters").put("search_depth", "quick").encode(), "application/json");
    assertThat(report.statusCode()).as(report.body()).isEqualTo(202);
    String reportId = new JsonObject(report.body()).getString("report_id");
    awaitTrue("document finished", Duration.ofSeconds(120), () -> finished(api + "/api/documents/" + docId));
    awaitTrue("report finished", Duration.ofSeconds(120), () -> finished(api + "/api/reports/" + reportId));

    // two scrapes after the work, then every rule evaluated at least once since
    long workDone = System.currentTimeMillis();
    awaitTrue("scraped after the work", Duration.ofSeconds(30), () -> lastScrapeMillis() > workDone + 2_000);

    List<String> problems = new ArrayList<>();
    int panels = 0;
    try (var files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonObject dashboard = new JsonObject(Files.readString(file));
        for (Object p : dashboard.getJsonArray("panels")) {
          JsonObject panel = (JsonObject) p;
          panels++;
          for (Object t : panel.getJsonArray("targets")) {
            String expr = ((JsonObject) t).getString("expr");
            String where = file.getFileName() + " / " + panel.getString("title") + ": " + expr;
            JsonObject answer = query(grafanaToPromQl(expr));
            if (!"success".equals(answer.getString("status"))) {
              problems.add("query error in " + where + ": " + answer.getString("error"));
            } else if (answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
              problems.add("no series for " + where);
            }
          }
        }
      }
    }
    assertThat(panels).isGreaterThanOrEqualTo(30);

    JsonObject rules = json("http://127.0.0.1:" + promPort + "/api/v1/rules");
    int ruleCount = 0;
    for (Object g : rules.getJsonObject("data").getJsonArray("groups")) {
      for (Object r : ((JsonObject) g).getJsonArray("rules")) {
        JsonObject rule = (JsonObject) r;
        ruleCount++;
        if (!"ok".equals(rule.getString("health"))) {
          problems.add("rule " + rule.getString("name") + " health " + rule.getString("health") + ": " + rule.getString("lastError"));
        }
        JsonObject answer = query(rule.getString("query"));
        if (!"success".equals(answer.getString("status"))) {
          problems.add("rule " + rule.getString("name") + " query error: " + answer.getString("error"));
        }
      }
    }
    assertThat(ruleCount).isGreaterThanOrEqualTo(9);
    assertThat(problems).as("engine log: %s", engine.log).isEmpty();
  }

  /** Grafana's variables as the dashboards' "All" selection and a rate window Prometheus accepts. */
  static String grafanaToPromQl(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$provider", ".*");
  }

  private boolean finished(String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      String status = r.statusCode() == 200 ? new JsonObject(r.body()).getString("status") : "";
      return List.of("done", "partial", "failed").contains(status);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private long lastScrapeMillis() {
    JsonArray result = query("up{job=\"gtm\"}").getJsonObject("data", new JsonObject()).getJsonArray("result", new JsonArray());
    if (result.isEmpty()) {
      return 0;
    }
    return (long) (result.getJsonObject(0).getJsonArray("value").getDouble(0) * 1000);
  }

  private JsonObject query(String promql) {
    return json("http://127.0.0.1:" + promPort + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  private JsonObject json(String url) {
    try {
      return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException | InterruptedException e) {
      return new JsonObject().put("status", "error").put("error", e.toString());
    }
  }

  private HttpResponse<String> post(String url, String body, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ObservabilityIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200); // polling a condition with a deadline, not a fixed wait
    }
  }
}
