package io.gtm.common.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The result of one search: evidence found, or a failure after retries ({@code failed}). */
public record SearchOutcome(List<Evidence> evidence, boolean failed, String error) {

  public static SearchOutcome ok(List<Evidence> evidence) {
    return new SearchOutcome(List.copyOf(evidence), false, null);
  }

  public static SearchOutcome failure(String error) {
    return new SearchOutcome(List.of(), true, error);
  }

  public static SearchOutcome fromJson(JsonObject json) {
    JsonArray arr = json.getJsonArray("evidence", new JsonArray());
    List<Evidence> list = arr.stream().map(o -> Evidence.fromJson((JsonObject) o)).toList();
    return new SearchOutcome(list, json.getBoolean("failed", false), json.getString("error"));
  }

  public JsonObject toJson() {
    JsonArray arr = new JsonArray();
    evidence.forEach(e -> arr.add(e.toJson()));
    JsonObject json = new JsonObject().put("evidence", arr).put("failed", failed);
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
