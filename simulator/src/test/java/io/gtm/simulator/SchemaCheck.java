package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A small JSON-schema checker for the keywords the simulator promises to honour. */
final class SchemaCheck {
  private SchemaCheck() {}

  static List<String> errors(Object value, JsonObject schema) {
    List<String> out = new ArrayList<>();
    check(value, schema, "$", out);
    return out;
  }

  private static void check(Object v, JsonObject s, String path, List<String> out) {
    if (s.containsKey("enum") && !s.getJsonArray("enum").contains(v)) out.add(path + ": not in enum");
    String type = s.getString("type");
    if (type == null) return;
    switch (type) {
      case "object" -> {
        if (!(v instanceof JsonObject o)) {
          out.add(path + ": not an object");
          return;
        }
        JsonObject props = s.getJsonObject("properties", new JsonObject());
        for (Object r : s.getJsonArray("required", new JsonArray())) {
          if (!o.containsKey((String) r)) out.add(path + ": missing " + r);
        }
        if (Boolean.FALSE.equals(s.getValue("additionalProperties"))) {
          for (String k : o.fieldNames()) if (!props.containsKey(k)) out.add(path + ": extra " + k);
        }
        for (String k : props.fieldNames()) {
          if (o.containsKey(k)) check(o.getValue(k), props.getJsonObject(k), path + "." + k, out);
        }
      }
      case "array" -> {
        if (!(v instanceof JsonArray a)) {
          out.add(path + ": not an array");
          return;
        }
        if (a.size() < s.getInteger("minItems", 0)) out.add(path + ": fewer than minItems");
        if (a.size() > s.getInteger("maxItems", Integer.MAX_VALUE)) out.add(path + ": more than maxItems");
        for (int i = 0; i < a.size(); i++) check(a.getValue(i), s.getJsonObject("items", new JsonObject()), path + "[" + i + "]", out);
      }
      case "string" -> {
        if (!(v instanceof String str)) out.add(path + ": not a string");
        else if (str.isEmpty()) out.add(path + ": empty string");
      }
      case "integer", "number" -> {
        if (!(v instanceof Number n)) {
          out.add(path + ": not a number");
          return;
        }
        if ("integer".equals(type) && n.doubleValue() != Math.floor(n.doubleValue())) out.add(path + ": not an integer");
        if (s.getNumber("minimum") != null && n.doubleValue() < s.getNumber("minimum").doubleValue()) out.add(path + ": below minimum");
        if (s.getNumber("maximum") != null && n.doubleValue() > s.getNumber("maximum").doubleValue()) out.add(path + ": above maximum");
      }
      case "boolean" -> {
        if (!(v instanceof Boolean)) out.add(path + ": not a boolean");
      }
      default -> out.add(path + ": unknown type " + type);
    }
  }
}
