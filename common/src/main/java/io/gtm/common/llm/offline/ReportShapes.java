package io.gtm.common.llm.offline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixed JSON shape of every report step (docs/REPORT_SECTIONS.md), as JSON Schemas usable in
 * OpenAI's strict {@code response_format: json_schema} (every property required, no extra
 * properties) and Gemini's {@code responseSchema}, with a validator for answers.
 */
public final class ReportShapes {
  public static final List<String> CORE_STEPS = List.of("profile", "research", "recommendations");
  public static final List<String> SECTIONS = List.of("financial", "risk", "competitive", "market", "metrics",
      "validation", "risk_priority");
  public static final List<String> STEPS;

  static {
    List<String> all = new ArrayList<>(CORE_STEPS);
    all.addAll(SECTIONS);
    STEPS = List.copyOf(all);
  }

  private ReportShapes() {}

  private static JsonObject str() {
    return new JsonObject().put("type", "string");
  }

  private static JsonObject num(double min, double max) {
    return new JsonObject().put("type", "number").put("minimum", min).put("maximum", max);
  }

  private static JsonObject integer() {
    return new JsonObject().put("type", "integer").put("minimum", 0);
  }

  private static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  private static JsonObject enumOf(String... values) {
    return new JsonObject().put("type", "string").put("enum", new JsonArray(List.of(values)));
  }

  private static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  /** An object schema whose properties are all required and nothing else allowed. */
  private static JsonObject object(Object... nameThenSchema) {
    JsonObject props = new JsonObject();
    JsonArray required = new JsonArray();
    for (int i = 0; i < nameThenSchema.length; i += 2) {
      props.put((String) nameThenSchema[i], nameThenSchema[i + 1]);
      required.add(nameThenSchema[i]);
    }
    return new JsonObject().put("type", "object").put("properties", props).put("required", required)
        .put("additionalProperties", false);
  }

  private static final Map<String, JsonObject> SCHEMAS = Map.of(
      "profile", object(
          "company_name", str(), "domain", str(), "summary", str(),
          "technologies", array(str()), "sources", array(str()), "evidence_count", integer()),
      "research", object(
          "key_findings", array(object("finding", str(), "source", str(), "url", str())),
          "goal_alignment", str(),
          "signals", array(str()),
          "confidence", num(0, 1)),
      "recommendations", object(
          "recommendations", array(object("action", str(), "rationale", str(),
              "priority", enumOf("high", "medium", "low"))),
          "next_steps", array(str())),
      "financial", object(
          "funding_signals", array(str()), "growth_indicators", array(str()),
          "financial_health", enumOf("strong", "moderate", "weak", "unknown"), "notes", str()),
      "risk", object(
          "risks", array(object("risk", str(), "severity", enumOf("high", "medium", "low"), "evidence", str())),
          "overall_risk", enumOf("high", "medium", "low")),
      "competitive", object(
          "competitors_mentioned", array(str()), "differentiators", array(str()), "positioning", str()),
      "market", object(
          "market_signals", array(str()), "segments", array(str()), "trends", array(str())),
      "metrics", object(
          "evidence_count", integer(), "distinct_sources", integer(), "technologies_count", integer(),
          "signals_count", integer(), "confidence", num(0, 1)),
      "validation", object(
          "checks", array(object("claim", str(), "supported", bool(), "sources", integer())),
          "validated_ratio", num(0, 1)),
      "risk_priority", object(
          "priorities", array(object("risk", str(), "priority", integer(), "mitigation", str()))));

  /** The JSON Schema of a step's body (a copy); unknown step -> IllegalArgumentException. */
  public static JsonObject schema(String step) {
    JsonObject s = SCHEMAS.get(step);
    if (s == null) {
      throw new IllegalArgumentException("unknown report step: " + step);
    }
    return s.copy();
  }

  /** Problems of {@code body} against the step's schema, each naming its JSON path; empty when valid. */
  public static List<String> validate(String step, JsonObject body) {
    List<String> errors = new ArrayList<>();
    JsonObject s = SCHEMAS.get(step);
    if (s == null) {
      errors.add("unknown report step: " + step);
      return errors;
    }
    check(s, body, "$", errors);
    return errors;
  }

  private static void check(JsonObject schema, Object value, String path, List<String> errors) {
    String type = schema.getString("type");
    if (value == null) {
      errors.add(path + ": is missing or null");
      return;
    }
    switch (type) {
      case "object" -> {
        if (!(value instanceof JsonObject o)) {
          errors.add(path + ": must be an object");
          return;
        }
        JsonObject props = schema.getJsonObject("properties");
        for (Object r : schema.getJsonArray("required", new JsonArray())) {
          if (!o.containsKey((String) r)) {
            errors.add(path + "." + r + ": is required");
          }
        }
        for (String name : o.fieldNames()) {
          if (!props.containsKey(name)) {
            if (Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
              errors.add(path + "." + name + ": is not allowed");
            }
          } else if (o.containsKey(name)) {
            check(props.getJsonObject(name), o.getValue(name), path + "." + name, errors);
          }
        }
      }
      case "array" -> {
        if (!(value instanceof JsonArray a)) {
          errors.add(path + ": must be an array");
          return;
        }
        for (int i = 0; i < a.size(); i++) {
          check(schema.getJsonObject("items"), a.getValue(i), path + "[" + i + "]", errors);
        }
      }
      case "string" -> {
        if (!(value instanceof String str)) {
          errors.add(path + ": must be a string");
          return;
        }
        JsonArray allowed = schema.getJsonArray("enum");
        if (allowed != null && !allowed.contains(str)) {
          errors.add(path + ": must be one of " + allowed.encode());
        }
      }
      case "integer", "number" -> {
        if (!(value instanceof Number n)) {
          errors.add(path + ": must be a number");
          return;
        }
        double d = n.doubleValue();
        if (type.equals("integer") && d != Math.rint(d)) {
          errors.add(path + ": must be an integer");
        }
        if (schema.containsKey("minimum") && d < schema.getDouble("minimum")) {
          errors.add(path + ": must be >= " + schema.getValue("minimum"));
        }
        if (schema.containsKey("maximum") && d > schema.getDouble("maximum")) {
          errors.add(path + ": must be <= " + schema.getValue("maximum"));
        }
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          errors.add(path + ": must be a boolean");
        }
      }
      default -> errors.add(path + ": unsupported schema type " + type);
    }
  }
}
