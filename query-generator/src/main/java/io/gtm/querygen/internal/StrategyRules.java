package io.gtm.querygen.internal;

import io.gtm.common.model.Strategy;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What makes a set of strategies acceptable: a count within the depth's range, known channels,
 * a company placeholder in every query, no duplicates. Parses and checks an LLM answer.
 */
public final class StrategyRules {
  private StrategyRules() {}

  public static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");

  /** Inclusive strategy counts per search depth. */
  public static final Map<String, int[]> COUNTS = Map.of(
      "quick", new int[] {4, 6},
      "standard", new int[] {7, 10},
      "comprehensive", new int[] {11, 13});

  /** The count asked of the LLM for a depth (upper end: more evidence per company). */
  public static int target(String depth) {
    return range(depth)[1];
  }

  public static int[] range(String depth) {
    int[] r = COUNTS.get(depth);
    if (r == null) {
      throw new IllegalArgumentException("unknown search_depth '" + depth + "'");
    }
    return r;
  }

  /** The JSON schema of the answer ({@code response_format: json_schema}). */
  public static JsonObject schema() {
    JsonObject strategy = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("channel", new JsonObject().put("type", "string").put("enum", new JsonArray(CHANNELS)))
            .put("query_template", new JsonObject().put("type", "string"))
            .put("relevance_score", new JsonObject().put("type", "number")))
        .put("required", new JsonArray().add("channel").add("query_template").add("relevance_score"))
        .put("additionalProperties", false);
    return new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("strategies",
            new JsonObject().put("type", "array").put("items", strategy)))
        .put("required", new JsonArray().add("strategies"))
        .put("additionalProperties", false);
  }

  /** Thrown when an answer is not JSON at all (worth one retry). */
  public static final class NotJson extends RuntimeException {
    public NotJson(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses and validates an LLM answer.
   *
   * @throws NotJson when the text is not a JSON object
   * @throws IllegalArgumentException when it is JSON but not an acceptable set of strategies
   */
  public static List<Strategy> parse(String text, String depth) {
    JsonObject json;
    try {
      json = new JsonObject(stripFences(text));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw new NotJson("answer is not a JSON object");
    }
    Object arr = json.getValue("strategies");
    if (!(arr instanceof JsonArray items)) {
      throw new IllegalArgumentException("answer has no strategies array");
    }
    List<Strategy> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Object o : items) {
      if (!(o instanceof JsonObject s)) {
        throw new IllegalArgumentException("a strategy is not an object");
      }
      String channel = s.getValue("channel") instanceof String c ? c.trim().toLowerCase(Locale.ROOT) : null;
      if (channel == null || !CHANNELS.contains(channel)) {
        throw new IllegalArgumentException("unknown channel '" + s.getValue("channel") + "'");
      }
      String template = s.getValue("query_template") instanceof String t ? t.trim() : "";
      if (!template.contains("{DOMAIN}") && !template.contains("{COMPANY_NAME}")) {
        throw new IllegalArgumentException("query_template has no {DOMAIN} or {COMPANY_NAME} placeholder: '" + template + "'");
      }
      String stripped = template.replace("{DOMAIN}", "").replace("{COMPANY_NAME}", "");
      if (stripped.contains("{") || stripped.contains("}")) {
        throw new IllegalArgumentException("query_template has an unknown placeholder: '" + template + "'");
      }
      double score = s.getValue("relevance_score") instanceof Number n ? n.doubleValue() : 0.5;
      score = Double.isNaN(score) ? 0.5 : Math.max(0, Math.min(1, score));
      if (seen.add(channel + '\u0000' + template.toLowerCase(Locale.ROOT))) {
        out.add(new Strategy(channel, template, score));
      }
    }
    int[] r = range(depth);
    if (out.size() < r[0] || out.size() > r[1]) {
      throw new IllegalArgumentException(out.size() + " distinct strategies for depth " + depth
          + ", expected " + r[0] + "-" + r[1]);
    }
    return out;
  }

  private static String stripFences(String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("```")) {
      int nl = t.indexOf('\n');
      int end = t.lastIndexOf("```");
      if (nl > 0 && end > nl) {
        t = t.substring(nl + 1, end).trim();
      }
    }
    return t;
  }

  /** A fixed, goal-aware set of strategies for when the LLM cannot give one. */
  public static List<Strategy> templates(String goal, String depth) {
    String g = goal.length() > 120 ? goal.substring(0, 120) : goal;
    List<Strategy> all = List.of(
        new Strategy("google_search", "{COMPANY_NAME} " + g, 0.9),
        new Strategy("jobs_search", "{COMPANY_NAME} " + g, 0.85),
        new Strategy("news_search", "{COMPANY_NAME} " + g, 0.8),
        new Strategy("google_search", "site:{DOMAIN} " + g, 0.8),
        new Strategy("jobs_search", "{COMPANY_NAME} engineering jobs", 0.7),
        new Strategy("news_search", "{COMPANY_NAME} announces", 0.6),
        new Strategy("google_search", "{COMPANY_NAME} technology stack", 0.7),
        new Strategy("news_search", "{COMPANY_NAME} partnership", 0.5),
        new Strategy("google_search", "{COMPANY_NAME} case study", 0.6),
        new Strategy("jobs_search", "{COMPANY_NAME} platform engineer", 0.6),
        new Strategy("google_search", "{COMPANY_NAME} engineering blog", 0.6),
        new Strategy("news_search", "{COMPANY_NAME} funding", 0.4),
        new Strategy("google_search", "{DOMAIN} careers", 0.5));
    return all.subList(0, target(depth));
  }
}
