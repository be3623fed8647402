package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards and Prometheus files under deploy/ are well-formed: every panel queries
 * the provisioned datasource with PromQL over metrics the engine emits, and promtool accepts the
 * configurations, the rules and the rules' unit tests. (ObservabilityIT runs every expression
 * against a real Prometheus scraping a working engine.)
 */
class DashboardsTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge", "bargauge", "table");
  static final Pattern METRIC = Pattern.compile("\\b((?:gtm|vertx|jvm)_[a-z_]+|up)\\b");

  static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Prometheus names of our meters: gtm.search.requests -> gtm_search_requests(_total|_seconds...). */
  static Set<String> knownGtmPrefixes() throws Exception {
    Set<String> names = new HashSet<>();
    for (var f : io.gtm.common.metrics.MetricNames.class.getFields()) {
      if (f.getName().startsWith("TAG_")) {
        continue;
      }
      names.add(((String) f.get(null)).replace('.', '_'));
    }
    names.add(io.gtm.common.metrics.EventLoopProbe.METRIC.replace('.', '_'));
    return names;
  }

  @Test
  void everyDashboardHasPanelsQueryingTheProvisionedDatasource() throws Exception {
    List<Path> files = dashboards();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("overview.json", "providers.json", "pipelines.json", "cluster-jvm.json");
    String datasourceUid = datasourceUid();
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      JsonObject dash = new JsonObject(Files.readString(file));
      assertThat(uids.add(dash.getString("uid"))).as("unique uid in %s", file).isTrue();
      assertThat(dash.getString("title")).isNotBlank();
      JsonArray vars = dash.getJsonObject("templating").getJsonArray("list");
      assertThat(vars.stream().map(v -> ((JsonObject) v).getString("name"))).contains("instance");
      for (Object v : vars) {
        assertThat(((JsonObject) v).getJsonObject("datasource").getString("uid")).isEqualTo(datasourceUid);
      }
      JsonArray panels = dash.getJsonArray("panels");
      assertThat(panels).isNotEmpty();
      Set<Integer> ids = new HashSet<>();
      for (Object o : panels) {
        JsonObject panel = (JsonObject) o;
        String where = file.getFileName() + " / " + panel.getString("title");
        assertThat(ids.add(panel.getInteger("id"))).as("unique id: %s", where).isTrue();
        assertThat(PANEL_TYPES).as("panel type: %s", where).contains(panel.getString("type"));
        assertThat(panel.getJsonObject("datasource").getString("uid")).as(where).isEqualTo(datasourceUid);
        assertThat(panel.getJsonObject("fieldConfig").getJsonObject("defaults").getString("unit"))
            .as("unit: %s", where).isNotBlank();
        JsonObject grid = panel.getJsonObject("gridPos");
        assertThat(grid.getInteger("x") + grid.getInteger("w")).as("fits 24 columns: %s", where).isLessThanOrEqualTo(24);
        JsonArray targets = panel.getJsonArray("targets");
        assertThat(targets).as("targets: %s", where).isNotEmpty();
        for (Object t : targets) {
          JsonObject target = (JsonObject) t;
          assertThat(target.getString("expr")).as("expr: %s", where).isNotBlank();
          assertThat(target.getJsonObject("datasource").getString("uid")).isEqualTo(datasourceUid);
        }
      }
    }
  }

  @Test
  void panelsOnlyUseMetricsTheEngineDefines() throws Exception {
    Set<String> gtm = knownGtmPrefixes();
    for (Path file : dashboards()) {
      for (String expr : expressions(new JsonObject(Files.readString(file)))) {
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          String name = m.group(1);
          if (name.startsWith("gtm_")) {
            assertThat(gtm.stream().anyMatch(name::startsWith))
                .as("%s in %s is one of MetricNames", name, file.getFileName()).isTrue();
          }
        }
      }
    }
  }

  @Test
  void provisioningPointsGrafanaAtTheDashboardsAndPrometheus() throws Exception {
    String datasources = Files.readString(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"));
    assertThat(datasources).contains("type: prometheus").contains("url: http://prometheus:9090");
    String providers = Files.readString(DEPLOY.resolve("grafana/provisioning/dashboards/gtm.yml"));
    assertThat(providers).contains("path: /var/lib/grafana/dashboards");
  }

  @Test
  void promtoolAcceptsConfigsRulesAndRuleTests() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"));
    if (!ci) {
      Assumptions.assumeTrue(present, "promtool not installed (apt-get install prometheus)");
    }
    Path prom = DEPLOY.resolve("prometheus");
    assertThat(promtool(prom, "check", "config", "prometheus.yml")).isZero();
    assertThat(promtool(prom, "check", "config", "prometheus-local.yml")).isZero();
    assertThat(promtool(prom, "check", "rules", "rules/gtm-alerts.yml")).isZero();
    assertThat(promtool(prom, "test", "rules", "tests/gtm-alerts-test.yml")).isZero();
  }

  static String datasourceUid() throws IOException {
    String text = Files.readString(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"));
    Matcher m = Pattern.compile("uid:\\s*(\\S+)").matcher(text);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static List<String> expressions(JsonObject dashboard) {
    return dashboard.getJsonArray("panels").stream()
        .flatMap(p -> ((JsonObject) p).getJsonArray("targets").stream())
        .map(t -> ((JsonObject) t).getString("expr"))
        .toList();
  }

  private static int promtool(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add("promtool");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      System.err.println(out);
    }
    return p.exitValue();
  }
}
