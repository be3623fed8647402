package io.gtm.gateway.research.internal;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated research request (ARCHITECTURE.md section 5). Domains are normalised (lower case,
 * no trailing dot) and de-duplicated: a domain sent twice is researched and reported once. They
 * are held packed ({@link DomainList}): a batch of 100,000 is held for the whole job.
 */
public record ResearchRequest(String researchGoal, List<String> companyDomains, String searchDepth,
                              int maxParallelSearches, double confidenceThreshold) {

  public static final int MAX_DOMAINS = 100_000;
  public static final int MAX_GOAL_CHARS = 2_000;
  public static final List<String> DEPTHS = List.of("quick", "standard", "comprehensive");
  public static final double DEFAULT_THRESHOLD = 0.7;

  public ResearchRequest {
    companyDomains = DomainList.of(companyDomains);
  }

  /**
   * Reads and checks a request body.
   *
   * @param defaultParallel {@code MAX_PARALLEL_SEARCHES}
   * @param parallelCap     {@code MAX_PARALLEL_SEARCHES_CAP}
   * @throws ApiException 400 for a missing or mistyped field, 422 for a bad value, naming the field
   */
  public static ResearchRequest parse(JsonObject body, int defaultParallel, int parallelCap) {
    if (body == null) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body must be a JSON object");
    }
    String goal = typed(() -> Fields.requireString(body, "research_goal"));
    if (goal.length() > MAX_GOAL_CHARS) {
      throw ApiException.invalid("research_goal", "research_goal must be at most " + MAX_GOAL_CHARS + " characters");
    }
    JsonArray raw = typed(() -> Fields.requireArray(body, "company_domains"));
    if (raw.isEmpty()) {
      throw ApiException.invalid("company_domains", "company_domains must list at least one domain");
    }
    if (raw.size() > MAX_DOMAINS) {
      throw ApiException.invalid("company_domains", "company_domains must list at most " + MAX_DOMAINS + " domains");
    }
    Set<String> domains = new LinkedHashSet<>(raw.size() * 2);
    for (int i = 0; i < raw.size(); i++) {
      Object v = raw.getValue(i);
      if (!(v instanceof String s)) {
        throw new ApiException(ErrorCode.BAD_REQUEST, "company_domains[" + i + "] must be a string", "company_domains");
      }
      try {
        domains.add(DomainNames.normalize(s));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("company_domains",
            "company_domains[" + i + "] '" + abbreviate(s) + "' " + e.getMessage());
      }
    }
    String depth = typed(() -> Fields.optString(body, "search_depth", "standard"));
    if (!DEPTHS.contains(depth)) {
      throw ApiException.invalid("search_depth", "search_depth must be one of " + DEPTHS);
    }
    int parallel = typedRange(() -> Fields.optInt(body, "max_parallel_searches", defaultParallel, 1, parallelCap),
        body, "max_parallel_searches");
    double threshold = typedRange(() -> Fields.optDouble(body, "confidence_threshold", DEFAULT_THRESHOLD, 0, 1),
        body, "confidence_threshold");
    return new ResearchRequest(goal, new ArrayList<>(domains), depth, parallel, threshold);
  }

  /** The domains as stored in {@code research_runs.domains}: one per line (a host name holds no newline). */
  public String domainsText() {
    return String.join("\n", companyDomains);
  }

  /** A request read back from {@code research_runs}: its {@code request} column and its {@code domains}. */
  public static ResearchRequest stored(JsonObject request, String domainsText) {
    List<String> domains = domainsText == null || domainsText.isEmpty() ? List.of() : List.of(domainsText.split("\n"));
    return new ResearchRequest(request.getString("research_goal"), domains, request.getString("search_depth", "standard"),
        request.getInteger("max_parallel_searches", 20), request.getDouble("confidence_threshold", DEFAULT_THRESHOLD));
  }

  /** The request as stored in {@code research_runs.request} (domains omitted: they can be many). */
  public JsonObject summaryJson() {
    return new JsonObject().put("research_goal", researchGoal).put("search_depth", searchDepth)
        .put("max_parallel_searches", maxParallelSearches).put("confidence_threshold", confidenceThreshold)
        .put("total_companies", companyDomains.size());
  }

  // a wrong JSON type is a 400 (malformed request), a missing field or bad value a 422
  private static <T> T typed(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ApiException e) {
      if (e.getMessage().contains(" must be a") && !e.getMessage().contains("must be between")) {
        throw new ApiException(ErrorCode.BAD_REQUEST, e.getMessage(), e.field());
      }
      throw e;
    }
  }

  private static <T> T typedRange(java.util.function.Supplier<T> read, JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v != null && !(v instanceof Number)) {
      throw new ApiException(ErrorCode.BAD_REQUEST, field + " must be a number", field);
    }
    return read.get();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
