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
 * a company placeholder in every web and news query (a jobs query searches the company's own
 * board), no duplicates. Parses and checks an LLM answer.
 */
public final class StrategyRules {
  private StrategyRules() {}

  public static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");
  static final String JOBS = "jobs_search";

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

  /** The JSON schema of the answer ({@code response_format: json_schema}), with the depth's count range. */
  public static JsonObject schema(String depth) {
    int[] r = range(depth);
    JsonObject strategy = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("channel", new JsonObject().put("type", "string").put("enum", new JsonArray(CHANNELS)))
            .put("query_template", new JsonObject().put("type", "string"))
            .put("relevance_score", new JsonObject().put("type", "number")))
        .put("required", new JsonArray().add("channel").add("query_template").add("relevance_score"))
        .put("additionalProperties", false);
    return new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("strategies",
            new JsonObject().put("type", "array").put("items", strategy).put("minItems", r[0]).put("maxItems", r[1])))
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
    List<Strategy> out = parseItems(text);
    int[] r = range(depth);
    if (out.size() < r[0] || out.size() > r[1]) {
      throw new IllegalArgumentException(out.size() + " distinct strategies for depth " + depth
          + ", expected " + r[0] + "-" + r[1]);
    }
    return out;
  }

  /**
   * The distinct, valid strategies of an answer, however many.
   *
   * @throws NotJson when the text is not a JSON object
   * @throws IllegalArgumentException when an item is not an acceptable strategy
   */
  public static List<Strategy> parseItems(String text) {
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
      // a jobs_search query is ranked against the company's own board: it needs no company placeholder
      if (!channel.equals(JOBS) && !template.contains("{DOMAIN}") && !template.contains("{COMPANY_NAME}")) {
        throw new IllegalArgumentException("query_template has no {DOMAIN} or {COMPANY_NAME} placeholder: '" + template + "'");
      }
      String stripped = template.replace("{DOMAIN}", "").replace("{COMPANY_NAME}", "");
      if (stripped.contains("{") || stripped.contains("}")) {
        throw new IllegalArgumentException("query_template has an unknown placeholder: '" + template + "'");
      }
      double score = s.getValue("relevance_score") instanceof Number n ? n.doubleValue() : 0.5;
      score = Double.isNaN(score) ? 0.5 : Math.max(0, Math.min(1, score));
      Strategy strategy = new Strategy(channel, template, score);
      if (seen.add(key(strategy))) {
        out.add(strategy);
      }
    }
    return out;
  }

  /**
   * Fits an answer's strategies to the depth's range: beyond the most, the first ones are kept;
   * below the least (an LLM may repeat itself), {@code fillers} not already present are added.
   */
  public static List<Strategy> fit(List<Strategy> answer, List<Strategy> fillers, String depth) {
    int[] r = range(depth);
    List<Strategy> out = new ArrayList<>(answer.size() > r[1] ? answer.subList(0, r[1]) : answer);
    Set<String> seen = new LinkedHashSet<>();
    out.forEach(s -> seen.add(key(s)));
    for (Strategy f : fillers) {
      if (out.size() >= r[0]) {
        break;
      }
      if (seen.add(key(f))) {
        out.add(f);
      }
    }
    return out;
  }

  private static String key(Strategy s) {
    return s.channel() + '\u0000' + s.queryTemplate().toLowerCase(Locale.ROOT);
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
}
