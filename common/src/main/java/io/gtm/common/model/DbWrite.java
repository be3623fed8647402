package io.gtm.common.model;

import io.gtm.common.ApiException;
import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Rows for one table, sent to {@code db.write}. Each row is a JSON object keyed by column name.
 * Writes are idempotent upserts on the table's natural key, so a replayed message adds nothing.
 */
public record DbWrite(String table, List<JsonObject> rows) {

  public static final Set<String> TABLES = Set.of(
      "research_runs", "company_results", "documents", "chapters", "reports", "report_sections",
      "job_events", "summary_cache", "bench_rows");

  public DbWrite {
    if (table == null || !TABLES.contains(table)) {
      throw ApiException.invalid("table", "unknown table '" + table + "'");
    }
    rows = List.copyOf(rows);
  }

  public static DbWrite fromJson(JsonObject json) {
    JsonArray arr = Fields.requireArray(json, "rows");
    List<JsonObject> rows = new java.util.ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      Object o = arr.getValue(i);
      if (!(o instanceof JsonObject row)) {
        throw ApiException.invalid("rows", "rows[" + i + "] must be an object");
      }
      rows.add(row);
    }
    return new DbWrite(Fields.requireString(json, "table"), rows);
  }

  public JsonObject toJson() {
    return new JsonObject().put("table", table).put("rows", new JsonArray(List.copyOf(rows)));
  }
}
