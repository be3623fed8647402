package io.gtm.dbwriter.internal;

import io.gtm.common.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writable tables, their columns and natural keys (mirrors {@code db/migration}). Every table
 * and column name that reaches SQL comes from here, never from a message.
 */
public final class Schema {
  private Schema() {}

  /** What an upsert does when the key exists: update the columns sent, or keep the first row. */
  public enum OnConflict { UPDATE, NOTHING }

  /** A table: columns in declaration order, its natural key and its conflict rule. */
  public record Table(String name, Map<String, ColumnType> columns, List<String> key, OnConflict onConflict) {

    public boolean hasColumn(String column) {
      return columns.containsKey(column);
    }

    public ColumnType type(String column) {
      return columns.get(column);
    }

    /** True when an update should also stamp {@code updated_at = now()}. */
    public boolean stampsUpdatedAt() {
      return columns.containsKey("updated_at");
    }

    /**
     * Checks and normalises one row: every column known, key columns present, values of the
     * column's type. The result lists the columns in the table's declaration order.
     *
     * @throws ApiException VALIDATION naming the offending column
     */
    public Map<String, Object> normalize(JsonObject row) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : row) {
        String column = e.getKey();
        ColumnType type = columns.get(column);
        if (type == null) {
          throw ApiException.invalid(column, "unknown column '" + column + "' of table " + name);
        }
        try {
          out.put(column, type.normalize(e.getValue()));
        } catch (IllegalArgumentException | ArithmeticException ex) {
          throw ApiException.invalid(column, name + "." + column + ": " + ex.getMessage());
        }
      }
      for (String k : key) {
        if (out.get(k) == null) {
          throw ApiException.invalid(k, name + "." + k + " is required (part of the table's key)");
        }
      }
      // declaration order, so that rows sending the same columns in any order share one statement
      Map<String, Object> ordered = new LinkedHashMap<>();
      for (String column : columns.keySet()) {
        if (out.containsKey(column)) {
          ordered.put(column, out.get(column));
        }
      }
      return ordered;
    }
  }

  public static final Map<String, Table> TABLES;

  static {
    Map<String, Table> t = new LinkedHashMap<>();
    add(t, "research_runs", List.of("id"), OnConflict.UPDATE,
        "id", ColumnType.TEXT, "research_goal", ColumnType.TEXT, "search_depth", ColumnType.TEXT,
        "status", ColumnType.TEXT, "request", ColumnType.JSONB, "total_companies", ColumnType.INT,
        "completed_companies", ColumnType.INT, "strategies", ColumnType.JSONB,
        "search_performance", ColumnType.JSONB, "processing_time_ms", ColumnType.BIGINT,
        "owner_key", ColumnType.TEXT, "owner_node", ColumnType.TEXT, "heartbeat_at", ColumnType.TIMESTAMPTZ,
        "created_at", ColumnType.TIMESTAMPTZ, "updated_at", ColumnType.TIMESTAMPTZ,
        "finished_at", ColumnType.TIMESTAMPTZ, "domains", ColumnType.TEXT, "scope", ColumnType.TEXT,
        "searches_executed", ColumnType.BIGINT);
    // seq is generated (insertion order) and never written
    add(t, "company_results", List.of("run_id", "domain"), OnConflict.UPDATE,
        "run_id", ColumnType.TEXT, "domain", ColumnType.TEXT, "confidence_score", ColumnType.DOUBLE,
        "result", ColumnType.JSONB, "created_at", ColumnType.TIMESTAMPTZ);
    add(t, "documents", List.of("id"), OnConflict.UPDATE,
        "id", ColumnType.TEXT, "title", ColumnType.TEXT, "status", ColumnType.TEXT,
        "chapters_total", ColumnType.INT, "chapters_done", ColumnType.INT, "chapters_failed", ColumnType.INT,
        "llm_calls", ColumnType.INT, "processing_time_ms", ColumnType.BIGINT, "owner_key", ColumnType.TEXT,
        "owner_node", ColumnType.TEXT, "heartbeat_at", ColumnType.TIMESTAMPTZ, "content", ColumnType.TEXT,
        "created_at", ColumnType.TIMESTAMPTZ, "updated_at", ColumnType.TIMESTAMPTZ,
        "finished_at", ColumnType.TIMESTAMPTZ);
    add(t, "chapters", List.of("document_id", "number"), OnConflict.UPDATE,
        "document_id", ColumnType.TEXT, "number", ColumnType.INT, "heading", ColumnType.TEXT,
        "title", ColumnType.TEXT, "summary", ColumnType.TEXT, "preview", ColumnType.TEXT,
        "status", ColumnType.TEXT, "error", ColumnType.TEXT, "content_hash", ColumnType.TEXT,
        "chunks", ColumnType.INT, "created_at", ColumnType.TIMESTAMPTZ, "updated_at", ColumnType.TIMESTAMPTZ);
    add(t, "reports", List.of("id"), OnConflict.UPDATE,
        "id", ColumnType.TEXT, "domain", ColumnType.TEXT, "research_goal", ColumnType.TEXT,
        "search_depth", ColumnType.TEXT, "research_id", ColumnType.TEXT, "status", ColumnType.TEXT,
        "core", ColumnType.JSONB, "owner_key", ColumnType.TEXT, "owner_node", ColumnType.TEXT,
        "heartbeat_at", ColumnType.TIMESTAMPTZ, "created_at", ColumnType.TIMESTAMPTZ,
        "updated_at", ColumnType.TIMESTAMPTZ, "finished_at", ColumnType.TIMESTAMPTZ);
    add(t, "report_sections", List.of("report_id", "name"), OnConflict.UPDATE,
        "report_id", ColumnType.TEXT, "name", ColumnType.TEXT, "status", ColumnType.TEXT,
        "body", ColumnType.JSONB, "error", ColumnType.TEXT, "attempts", ColumnType.INT,
        "updated_at", ColumnType.TIMESTAMPTZ);
    add(t, "job_events", List.of("job_id", "seq"), OnConflict.NOTHING,
        "job_id", ColumnType.TEXT, "seq", ColumnType.BIGINT, "type", ColumnType.TEXT,
        "data", ColumnType.JSONB, "created_at", ColumnType.TIMESTAMPTZ);
    add(t, "summary_cache", List.of("key"), OnConflict.NOTHING,
        "key", ColumnType.TEXT, "value", ColumnType.JSONB, "created_at", ColumnType.TIMESTAMPTZ);
    add(t, "bench_rows", List.of("id"), OnConflict.UPDATE,
        "id", ColumnType.TEXT, "n", ColumnType.INT, "payload", ColumnType.TEXT);
    TABLES = java.util.Collections.unmodifiableMap(t);
  }

  /** @throws ApiException VALIDATION naming {@code table} */
  public static Table table(String name) {
    Table t = name == null ? null : TABLES.get(name);
    if (t == null) {
      throw ApiException.invalid("table", "unknown table '" + name + "'; one of " + TABLES.keySet());
    }
    return t;
  }

  private static void add(Map<String, Table> tables, String name, List<String> key, OnConflict onConflict,
                          Object... columnsAndTypes) {
    Map<String, ColumnType> cols = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndTypes.length; i += 2) {
      cols.put((String) columnsAndTypes[i], (ColumnType) columnsAndTypes[i + 1]);
    }
    tables.put(name, new Table(name, java.util.Collections.unmodifiableMap(cols), List.copyOf(key), onConflict));
  }
}
