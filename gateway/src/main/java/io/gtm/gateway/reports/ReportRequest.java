package io.gtm.gateway.reports;

import io.gtm.common.ApiException;
import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The body of {@code POST /api/reports}, validated; every failure names its field. */
record ReportRequest(String domain, String researchGoal, String searchDepth, String researchId) {
  static final List<String> DEPTHS = List.of("quick", "standard", "comprehensive");

  static ReportRequest parse(JsonObject body) {
    String domain;
    try {
      domain = io.gtm.gateway.research.internal.DomainNames.normalize(Fields.requireString(body, "domain"));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("domain", "domain " + e.getMessage());
    }
    String goal = Fields.requireString(body, "research_goal").strip();
    if (goal.length() > 2000) {
      throw ApiException.invalid("research_goal", "research_goal must be at most 2000 characters");
    }
    String depth = Fields.optString(body, "search_depth", "standard");
    if (!DEPTHS.contains(depth)) {
      throw ApiException.invalid("search_depth", "search_depth must be one of " + DEPTHS);
    }
    String researchId = Fields.optString(body, "research_id", null);
    if (researchId != null && !researchId.matches("[A-Za-z0-9_-]{1,64}")) {
      throw ApiException.invalid("research_id", "research_id is not a valid id");
    }
    return new ReportRequest(domain, goal, depth, researchId);
  }
}
