package io.gtm.engine.cli;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code research --goal G --domains FILE}: streams a research batch with a progress bar, then the top results. */
final class ResearchCommand {
  private final ApiClient api;
  private final PrintStream out;

  ResearchCommand(ApiClient api, PrintStream out) {
    this.api = api;
    this.out = out;
  }

  static List<String> readDomains(List<String> lines) {
    List<String> domains = new ArrayList<>();
    for (String line : lines) {
      String d = line.strip();
      int comma = d.indexOf(',');
      if (comma >= 0) {
        d = d.substring(0, comma).strip();
      }
      if (!d.isEmpty() && !d.startsWith("#")) {
        domains.add(d);
      }
    }
    return domains;
  }

  /** Runs the batch; the future holds the final {@code pipeline_complete} event. */
  Future<JsonObject> run(String goal, List<String> domains, String depth) {
    JsonObject body = new JsonObject().put("research_goal", goal).put("company_domains", new JsonArray(domains))
        .put("search_depth", depth == null ? "standard" : depth).put("max_parallel_searches", 20)
        .put("confidence_threshold", 0.6);
    ProgressBar searches = new ProgressBar(out, "searches");
    ProgressBar analysis = new ProgressBar(out, "companies");
    JsonObject[] complete = new JsonObject[1];
    String[] error = new String[1];
    out.println("Researching " + domains.size() + " companies: " + goal);
    return api.stream("/api/research/batch/stream", body, event -> {
      switch (event.getString("type", "")) {
        case "strategies_generated" -> out.println("  " + event.getValue("count", event.getJsonArray("strategies",
            new JsonArray()).size()) + " search strategies generated");
        case "evidence_progress" -> searches.update(event.getLong("completed", 0L), event.getLong("total", 0L),
            event.getValue("domains_with_evidence") + " companies with evidence");
        case "domain_analyzed" -> analysis.update(event.getLong("progress", 0L), event.getLong("total", 0L),
            event.getString("domain"));
        case "pipeline_complete" -> complete[0] = event;
        case "error" -> error[0] = String.valueOf(event.getValue("message", event.encode()));
        default -> { }
      }
    }).compose(v -> {
      if (complete[0] == null) {
        return Future.failedFuture(error[0] != null ? error[0] : "the stream ended before the pipeline completed");
      }
      printResults(complete[0]);
      return Future.succeededFuture(complete[0]);
    });
  }

  private void printResults(JsonObject complete) {
    JsonArray results = complete.getJsonArray("results", new JsonArray());
    List<JsonObject> rows = new ArrayList<>();
    results.forEach(o -> rows.add((JsonObject) o));
    rows.sort(Comparator.comparingDouble((JsonObject r) -> r.getDouble("confidence_score", 0.0)).reversed());
    out.println();
    out.println(String.format("%-28s %10s %8s  %s", "domain", "confidence", "sources", "technologies"));
    for (JsonObject r : rows.subList(0, Math.min(10, rows.size()))) {
      JsonArray tech = r.getJsonObject("findings", new JsonObject()).getJsonArray("technologies", new JsonArray());
      out.println(String.format("%-28s %10.2f %8d  %s", r.getString("domain"), r.getDouble("confidence_score", 0.0),
          r.getInteger("evidence_sources", 0), String.join(", ", tech.stream().map(String::valueOf).limit(6).toList())));
    }
    JsonObject summary = complete.getJsonObject("summary", new JsonObject());
    JsonObject perf = summary.getJsonObject("search_performance",
        complete.getJsonObject("metrics", new JsonObject()).getJsonObject("search_performance", new JsonObject()));
    out.println(String.format("%n%d companies, %s searches in %s ms (%s queries/s, %s failed)",
        results.size(), summary.getValue("total_searches_executed"), summary.getValue("processing_time_ms"),
        perf.getValue("queries_per_second"), perf.getValue("failed_requests")));
  }
}
