package io.gtm.dbwriter;

import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.dbwriter.internal.BatchPlan;
import io.gtm.dbwriter.internal.ColumnType;
import io.gtm.dbwriter.internal.QueryParams;
import io.gtm.dbwriter.internal.Schema;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The in-memory fallback used when PostgreSQL cannot be reached at start-up: the same upsert rules
 * and named queries over maps. One per process (every db-writer instance of the JVM shares it);
 * nothing survives a restart.
 */
final class MemoryStore implements DbStore {
  private static final MemoryStore SHARED = new MemoryStore();
  /** Column defaults of the migration (counters start at 0). */
  private static final Set<String> ZERO_DEFAULTS = Set.of("completed_companies", "chapters_done", "chapters_failed", "llm_calls");
  private static final String DOCUMENT_CONTENT_COLUMN = "content";
  private static final String RUN_DOMAINS_COLUMN = "domains";

  /** table -> key -> row (normalised values: jsonb as JSON text, timestamps as ISO instants). */
  private final Map<String, LinkedHashMap<List<Object>, Map<String, Object>>> tables = new HashMap<>();
  private long companySeq;
  private volatile String detail = "PostgreSQL not used";

  static MemoryStore shared() {
    return SHARED;
  }

  void setDetail(String detail) {
    this.detail = detail;
  }

  @Override
  public String mode() {
    return MODE_MEMORY;
  }

  @Override
  public Future<Void> commit(List<List<BatchPlan.Group>> segments) {
    synchronized (this) {
      String now = Instant.now().toString();
      for (List<BatchPlan.Group> segment : segments) {
        for (BatchPlan.Group group : segment) {
          apply(group, now);
        }
      }
    }
    return Future.succeededFuture();
  }

  private void apply(BatchPlan.Group group, String now) {
    Schema.Table table = group.table();
    LinkedHashMap<List<Object>, Map<String, Object>> rows = tables.computeIfAbsent(table.name(), t -> new LinkedHashMap<>());
    for (Object[] values : group.rows()) {
      List<Object> key = new ArrayList<>(table.key().size());
      for (String k : table.key()) {
        key.add(values[group.columns().indexOf(k)]);
      }
      Map<String, Object> existing = rows.get(key);
      if (existing == null) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : table.columns().keySet()) {
          row.put(column, ZERO_DEFAULTS.contains(column) ? Integer.valueOf(0)
              : column.equals("created_at") || column.equals("updated_at") ? now : null);
        }
        if (table.name().equals("company_results")) {
          row.put("seq", ++companySeq);
        }
        for (int c = 0; c < values.length; c++) {
          row.put(group.columns().get(c), values[c]);
        }
        rows.put(key, row);
      } else if (table.onConflict() == Schema.OnConflict.UPDATE) {
        for (int c = 0; c < values.length; c++) {
          existing.put(group.columns().get(c), values[c]);
        }
        if (table.stampsUpdatedAt() && !group.columns().contains("updated_at")) {
          existing.put("updated_at", now);
        }
      }
    }
  }

  @Override
  public Future<JsonArray> query(String name, JsonObject params) {
    try {
      return Future.succeededFuture(run(name, new QueryParams(params)));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  private synchronized JsonArray run(String name, QueryParams p) {
    switch (name) {
      case DbQueries.RESEARCH_RUN:
        return byKey("research_runs", p.string("id"), RUN_DOMAINS_COLUMN);
      case DbQueries.COMPANY_RESULTS: {
        String runId = p.string("run_id");
        long afterSeq = p.longValue("after_seq", 0, -1);
        int offset = p.offset();
        int limit = p.limit();
        return select("company_results", r -> runId.equals(r.get("run_id")) && (Long) r.get("seq") > afterSeq,
            Comparator.comparing(r -> (Long) r.get("seq")), null).stream()
            .skip(offset).limit(limit).collect(JsonArray::new, JsonArray::add, JsonArray::addAll);
      }
      case DbQueries.COMPANY_RESULT: {
        String runId = p.string("run_id");
        String domain = p.string("domain");
        JsonArray out = new JsonArray();
        select("company_results", r -> runId.equals(r.get("run_id")) && domain.equals(r.get("domain")), null, null)
            .forEach(out::add);
        return out;
      }
      case DbQueries.COMPANY_RESULTS_COUNT: {
        String runId = p.string("run_id");
        return count("company_results", r -> runId.equals(r.get("run_id")));
      }
      case DbQueries.COMPANY_RESULTS_DOMAINS: {
        String runId = p.string("run_id");
        Set<String> domains = p.has("domains") ? new HashSet<>(p.strings("domains")) : null;
        JsonArray out = new JsonArray();
        select("company_results", r -> runId.equals(r.get("run_id")) && (domains == null || domains.contains(r.get("domain"))),
            Comparator.comparing(r -> (Long) r.get("seq")), null).stream()
            .skip(domains == null ? p.offset() : 0).limit(domains == null ? p.limit() : Long.MAX_VALUE)
            .forEach(r -> out.add(new JsonObject().put("domain", r.getString("domain"))
                .put("confidence_score", r.getValue("confidence_score"))));
        return out;
      }
      case DbQueries.JOB_EVENTS: {
        String jobId = p.string("job_id");
        long afterSeq = p.longValue("after_seq", -1, Long.MIN_VALUE);
        int limit = p.limit();
        return select("job_events", r -> jobId.equals(r.get("job_id")) && (Long) r.get("seq") > afterSeq,
            Comparator.comparing(r -> (Long) r.get("seq")), null).stream()
            .limit(limit).collect(JsonArray::new, JsonArray::add, JsonArray::addAll);
      }
      case DbQueries.JOB_EVENTS_LAST_SEQ: {
        String jobId = p.string("job_id");
        Long max = select("job_events", r -> jobId.equals(r.get("job_id")), null, null).stream()
            .map(r -> r.getLong("seq")).max(Long::compare).orElse(null);
        return new JsonArray().add(new JsonObject().put("seq", max));
      }
      case DbQueries.RESEARCH_RUNS_BY_STATUS: {
        Set<String> status = new HashSet<>(p.strings("status"));
        return new JsonArray(select("research_runs", r -> status.contains(r.get("status")), null, RUN_DOMAINS_COLUMN));
      }
      case DbQueries.RESEARCH_RUN_CLAIM: {
        String id = p.string("id");
        Map<String, Object> row = tables.getOrDefault("research_runs", new LinkedHashMap<>()).get(List.of(id));
        if (row == null || !runClaimable(row, p.string("node"), p.longValue("stale_ms", 15_000, 0))) {
          return new JsonArray();
        }
        row.put("owner_node", p.string("node"));
        row.put("heartbeat_at", Instant.now().toString());
        return byKey("research_runs", id, null);
      }
      case DbQueries.RESEARCH_RUNS_CLAIMABLE: {
        String scope = p.string("scope");
        String node = p.string("node");
        long staleMs = p.longValue("stale_ms", 15_000, 0);
        Instant since = Instant.now().minusMillis(p.longValue("horizon_ms", 86_400_000L, 0));
        JsonArray out = new JsonArray();
        select("research_runs", r -> scope.equals(r.get("scope")) && !node.equals(r.get("owner_node"))
                && runClaimable(r, node, staleMs) && r.get("created_at") != null
                && Instant.parse((String) r.get("created_at")).isAfter(since),
            Comparator.comparing(r -> (String) r.get("created_at")), null).stream().limit(100)
            .forEach(r -> out.add(new JsonObject().put("id", r.getString("id"))));
        return out;
      }
      case DbQueries.DOCUMENT:
        return byKey("documents", p.string("id"), DOCUMENT_CONTENT_COLUMN);
      case DbQueries.DOCUMENT_CONTENT: {
        JsonArray out = new JsonArray();
        byKey("documents", p.string("id"), null).forEach(o ->
            out.add(new JsonObject().put("content", ((JsonObject) o).getValue("content"))));
        return out;
      }
      case DbQueries.DOCUMENTS_BY_STATUS: {
        Set<String> status = new HashSet<>(p.strings("status"));
        return new JsonArray(select("documents", r -> status.contains(r.get("status")), null, DOCUMENT_CONTENT_COLUMN));
      }
      case DbQueries.DOCUMENT_CLAIM: {
        String id = p.string("id");
        String node = p.string("node");
        long staleMs = p.longValue("stale_ms", 15_000, 0);
        Map<String, Object> row = tables.getOrDefault("documents", new LinkedHashMap<>()).get(List.of(id));
        if (row == null || !Set.of("queued", "splitting", "running").contains(row.get("status"))) {
          return new JsonArray();
        }
        Instant now = Instant.now();
        Object heartbeat = row.get("heartbeat_at");
        boolean free = row.get("owner_node") == null || node.equals(row.get("owner_node")) || heartbeat == null
            || Instant.parse((String) heartbeat).isBefore(now.minusMillis(staleMs));
        if (!free) {
          return new JsonArray();
        }
        row.put("owner_node", node);
        row.put("heartbeat_at", now.toString());
        return byKey("documents", id, DOCUMENT_CONTENT_COLUMN);
      }
      case DbQueries.DOCUMENT_RELEASE: {
        String id = p.string("id");
        Map<String, Object> row = tables.getOrDefault("documents", new LinkedHashMap<>()).get(List.of(id));
        if (row == null || !p.string("node").equals(row.get("owner_node"))) {
          return new JsonArray();
        }
        row.put("owner_node", null);
        row.put("heartbeat_at", null);
        return new JsonArray().add(new JsonObject().put("id", id));
      }
      case DbQueries.CHAPTERS: {
        String documentId = p.string("document_id");
        return new JsonArray(select("chapters", r -> documentId.equals(r.get("document_id")),
            Comparator.comparing(r -> (Integer) r.get("number")), null));
      }
      case DbQueries.SUMMARY_CACHE: {
        Set<String> keys = new HashSet<>(p.strings("keys"));
        JsonArray out = new JsonArray();
        select("summary_cache", r -> keys.contains(r.get("key")), null, null).forEach(r ->
            out.add(new JsonObject().put("key", r.getString("key")).put("value", r.getValue("value"))));
        return out;
      }
      case DbQueries.REPORT:
        return byKey("reports", p.string("id"), null);
      case DbQueries.REPORT_SECTIONS: {
        String reportId = p.string("report_id");
        return new JsonArray(select("report_sections", r -> reportId.equals(r.get("report_id")),
            Comparator.comparing(r -> (String) r.get("name")), null));
      }
      case DbQueries.BENCH_ROWS_COUNT: {
        String prefix = p.string("prefix");
        return count("bench_rows", r -> ((String) r.get("id")).startsWith(prefix));
      }
      default:
        throw ApiException.invalid("query", "unknown query '" + name + "'; one of " + DbQueries.ALL);
    }
  }

  private static boolean runClaimable(Map<String, Object> row, String node, long staleMs) {
    if (!Set.of("queued", "running").contains(row.get("status"))) {
      return false;
    }
    Object heartbeat = row.get("heartbeat_at");
    return row.get("owner_node") == null || node.equals(row.get("owner_node")) || heartbeat == null
        || Instant.parse((String) heartbeat).isBefore(Instant.now().minusMillis(staleMs));
  }

  private JsonArray byKey(String table, String id, String excluded) {
    Map<String, Object> row = tables.getOrDefault(table, new LinkedHashMap<>()).get(List.of(id));
    JsonArray out = new JsonArray();
    if (row != null) {
      out.add(toJson(table, row, excluded));
    }
    return out;
  }

  private JsonArray count(String table, Predicate<Map<String, Object>> filter) {
    long n = tables.getOrDefault(table, new LinkedHashMap<>()).values().stream().filter(filter).count();
    return new JsonArray().add(new JsonObject().put("count", n));
  }

  private List<JsonObject> select(String table, Predicate<Map<String, Object>> filter,
                                  Comparator<Map<String, Object>> order, String excluded) {
    var stream = tables.getOrDefault(table, new LinkedHashMap<>()).values().stream().filter(filter);
    if (order != null) {
      stream = stream.sorted(order);
    }
    return stream.map(r -> toJson(table, r, excluded)).toList();
  }

  private static JsonObject toJson(String table, Map<String, Object> row, String excluded) {
    Schema.Table t = Schema.table(table);
    JsonObject o = new JsonObject();
    row.forEach((column, value) -> {
      if (column.equals(excluded)) {
        return;
      }
      o.put(column, value != null && t.type(column) == ColumnType.JSONB ? Json.decodeValue((String) value) : value);
    });
    return o;
  }

  @Override
  public Future<JsonObject> health() {
    return Future.succeededFuture(new JsonObject().put("status", "DOWN").put("mode", MODE_MEMORY).put("detail", detail));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
