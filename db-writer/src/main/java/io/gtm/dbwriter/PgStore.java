package io.gtm.dbwriter;

import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.dbwriter.internal.BatchPlan;
import io.gtm.dbwriter.internal.ColumnType;
import io.gtm.dbwriter.internal.QueryParams;
import io.gtm.dbwriter.internal.UpsertStatement;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.temporal.Temporal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** PostgreSQL through vertx-pg-client: multi-row {@code unnest} upserts in one transaction per flush. */
final class PgStore implements DbStore {
  private static final String RUN_COLUMNS = "id, research_goal, search_depth, status, request, total_companies, "
      + "completed_companies, strategies, search_performance, processing_time_ms, owner_key, owner_node, "
      + "heartbeat_at, created_at, updated_at, finished_at, scope, searches_executed";
  /** A run is claimable by a node when nobody (alive) coordinates it: $2 the node, $3 the staleness in ms. */
  private static final String RUN_CLAIMABLE = "status IN ('queued', 'running') AND (owner_node IS NULL"
      + " OR owner_node = $2 OR heartbeat_at IS NULL OR heartbeat_at < now() - $3 * interval '1 millisecond')";
  private static final String DOCUMENT_COLUMNS = "id, title, status, chapters_total, chapters_done, "
      + "chapters_failed, llm_calls, processing_time_ms, owner_key, owner_node, heartbeat_at, created_at, "
      + "updated_at, finished_at";

  private final Pool pool;
  private final String target;

  PgStore(Pool pool, String target) {
    this.pool = pool;
    this.target = target;
  }

  @Override
  public String mode() {
    return MODE_POSTGRES;
  }

  /** host:port/database, for log lines (never the password). */
  String target() {
    return target;
  }

  @Override
  public Future<Void> commit(List<List<BatchPlan.Group>> segments) {
    return pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (List<BatchPlan.Group> segment : segments) {
        for (BatchPlan.Group group : segment) {
          chain = chain.compose(v -> execute(conn, group));
        }
      }
      return chain;
    });
  }

  private static Future<Void> execute(SqlConnection conn, BatchPlan.Group group) {
    return conn.preparedQuery(UpsertStatement.sql(group.table(), group.columns()))
        .execute(arrays(group))
        .mapEmpty();
  }

  /** One array parameter per column. */
  static Tuple arrays(BatchPlan.Group group) {
    Tuple tuple = Tuple.tuple();
    List<Object[]> rows = group.rows();
    int n = rows.size();
    for (int c = 0; c < group.columns().size(); c++) {
      ColumnType type = group.table().type(group.columns().get(c));
      switch (type) {
        case INT -> {
          Integer[] a = new Integer[n];
          for (int r = 0; r < n; r++) {
            a[r] = (Integer) rows.get(r)[c];
          }
          tuple.addArrayOfInteger(a);
        }
        case BIGINT -> {
          Long[] a = new Long[n];
          for (int r = 0; r < n; r++) {
            a[r] = (Long) rows.get(r)[c];
          }
          tuple.addArrayOfLong(a);
        }
        case DOUBLE -> {
          Double[] a = new Double[n];
          for (int r = 0; r < n; r++) {
            a[r] = (Double) rows.get(r)[c];
          }
          tuple.addArrayOfDouble(a);
        }
        default -> {
          String[] a = new String[n];
          for (int r = 0; r < n; r++) {
            a[r] = (String) rows.get(r)[c];
          }
          tuple.addArrayOfString(a);
        }
      }
    }
    return tuple;
  }

  @Override
  public Future<JsonArray> query(String name, JsonObject params) {
    QueryParams p = new QueryParams(params);
    String sql;
    Tuple args;
    switch (name) {
      case DbQueries.RESEARCH_RUN -> {
        sql = "SELECT " + RUN_COLUMNS + " FROM research_runs WHERE id = $1";
        args = Tuple.of(p.string("id"));
      }
      case DbQueries.COMPANY_RESULTS -> {
        sql = "SELECT run_id, domain, confidence_score, result, seq, created_at FROM company_results"
            + " WHERE run_id = $1 AND seq > $2 ORDER BY seq OFFSET $3 LIMIT $4";
        args = Tuple.of(p.string("run_id"), p.longValue("after_seq", 0, -1), p.offset(), p.limit());
      }
      case DbQueries.COMPANY_RESULT -> {
        sql = "SELECT run_id, domain, confidence_score, result, seq, created_at FROM company_results"
            + " WHERE run_id = $1 AND domain = $2";
        args = Tuple.of(p.string("run_id"), p.string("domain"));
      }
      case DbQueries.COMPANY_RESULTS_COUNT -> {
        sql = "SELECT count(*) AS count FROM company_results WHERE run_id = $1";
        args = Tuple.of(p.string("run_id"));
      }
      case DbQueries.COMPANY_RESULTS_DOMAINS -> {
        if (p.has("domains")) {
          sql = "SELECT domain, confidence_score FROM company_results WHERE run_id = $1 AND domain = ANY($2::text[])";
          args = Tuple.tuple().addString(p.string("run_id")).addArrayOfString(p.strings("domains").toArray(String[]::new));
        } else {
          sql = "SELECT domain, confidence_score FROM company_results WHERE run_id = $1 ORDER BY seq OFFSET $2 LIMIT $3";
          args = Tuple.of(p.string("run_id"), p.offset(), p.limit());
        }
      }
      case DbQueries.JOB_EVENTS -> {
        sql = "SELECT job_id, seq, type, data, created_at FROM job_events WHERE job_id = $1 AND seq > $2"
            + " ORDER BY seq LIMIT $3";
        args = Tuple.of(p.string("job_id"), p.longValue("after_seq", -1, Long.MIN_VALUE), p.limit());
      }
      case DbQueries.JOB_EVENTS_LAST_SEQ -> {
        sql = "SELECT max(seq) AS seq FROM job_events WHERE job_id = $1";
        args = Tuple.of(p.string("job_id"));
      }
      case DbQueries.RESEARCH_RUNS_BY_STATUS -> {
        sql = "SELECT " + RUN_COLUMNS + " FROM research_runs WHERE status = ANY($1::text[]) ORDER BY created_at, id";
        args = Tuple.tuple().addArrayOfString(p.strings("status").toArray(String[]::new));
      }
      case DbQueries.RESEARCH_RUN_CLAIM -> {
        // SKIP LOCKED: a row locked by a running transaction is not claimable now (never wait on it)
        sql = "UPDATE research_runs SET owner_node = $2, heartbeat_at = now() WHERE id = (SELECT id FROM research_runs"
            + " WHERE id = $1 AND " + RUN_CLAIMABLE + " FOR UPDATE SKIP LOCKED) RETURNING *";
        args = Tuple.of(p.string("id"), p.string("node"), p.longValue("stale_ms", 15_000, 0));
      }
      case DbQueries.RESEARCH_RUNS_CLAIMABLE -> {
        sql = "SELECT id FROM research_runs WHERE scope = $1 AND owner_node IS DISTINCT FROM $2 AND " + RUN_CLAIMABLE
            + " AND created_at > now() - $4 * interval '1 millisecond' ORDER BY created_at, id LIMIT 100";
        args = Tuple.of(p.string("scope"), p.string("node"), p.longValue("stale_ms", 15_000, 0),
            p.longValue("horizon_ms", 86_400_000L, 0));
      }
      case DbQueries.DOCUMENT -> {
        sql = "SELECT " + DOCUMENT_COLUMNS + " FROM documents WHERE id = $1";
        args = Tuple.of(p.string("id"));
      }
      case DbQueries.DOCUMENT_CONTENT -> {
        sql = "SELECT content FROM documents WHERE id = $1";
        args = Tuple.of(p.string("id"));
      }
      case DbQueries.DOCUMENTS_BY_STATUS -> {
        sql = "SELECT " + DOCUMENT_COLUMNS + " FROM documents WHERE status = ANY($1::text[]) ORDER BY created_at, id";
        args = Tuple.tuple().addArrayOfString(p.strings("status").toArray(String[]::new));
      }
      case DbQueries.DOCUMENT_CLAIM -> {
        // SKIP LOCKED: a row locked by a running transaction is not claimable now (never wait on it)
        sql = "UPDATE documents SET owner_node = $2, heartbeat_at = now() WHERE id = (SELECT id FROM documents"
            + " WHERE id = $1 AND status IN ('queued', 'splitting', 'running') AND (owner_node IS NULL"
            + " OR owner_node = $2 OR heartbeat_at IS NULL OR heartbeat_at < now() - $3 * interval '1 millisecond')"
            + " FOR UPDATE SKIP LOCKED) RETURNING " + DOCUMENT_COLUMNS;
        args = Tuple.of(p.string("id"), p.string("node"), p.longValue("stale_ms", 15_000, 0));
      }
      case DbQueries.DOCUMENT_RELEASE -> {
        // waits for a write in progress on the row (no SKIP LOCKED): the hand-back must not be lost
        sql = "UPDATE documents SET owner_node = NULL, heartbeat_at = NULL WHERE id = $1 AND owner_node = $2 RETURNING id";
        args = Tuple.of(p.string("id"), p.string("node"));
      }
      case DbQueries.CHAPTERS -> {
        sql = "SELECT * FROM chapters WHERE document_id = $1 ORDER BY number";
        args = Tuple.of(p.string("document_id"));
      }
      case DbQueries.SUMMARY_CACHE -> {
        sql = "SELECT key, value FROM summary_cache WHERE key = ANY($1::text[])";
        args = Tuple.tuple().addArrayOfString(p.strings("keys").toArray(String[]::new));
      }
      case DbQueries.REPORT -> {
        sql = "SELECT * FROM reports WHERE id = $1";
        args = Tuple.of(p.string("id"));
      }
      case DbQueries.REPORT_SECTIONS -> {
        sql = "SELECT * FROM report_sections WHERE report_id = $1 ORDER BY name";
        args = Tuple.of(p.string("report_id"));
      }
      case DbQueries.BENCH_ROWS_COUNT -> {
        sql = "SELECT count(*) AS count FROM bench_rows WHERE starts_with(id, $1)";
        args = Tuple.of(p.string("prefix"));
      }
      default -> throw ApiException.invalid("query", "unknown query '" + name + "'; one of " + DbQueries.ALL);
    }
    return pool.preparedQuery(sql).execute(args).map(PgStore::toJson);
  }

  static JsonArray toJson(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row row : rows) {
      JsonObject o = new JsonObject();
      for (int i = 0; i < row.size(); i++) {
        o.put(row.getColumnName(i), value(row.getValue(i)));
      }
      out.add(o);
    }
    return out;
  }

  private static Object value(Object v) {
    if (v == null || v == Tuple.JSON_NULL) {
      return null;
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().toString();
    }
    if (v instanceof Temporal t) {
      return t.toString();
    }
    return v;
  }

  @Override
  public Future<JsonObject> health() {
    return pool.query("SELECT 1").execute()
        .timeout(3, TimeUnit.SECONDS)
        .map(r -> new JsonObject().put("status", "UP").put("mode", MODE_POSTGRES).put("detail", "PostgreSQL at " + target))
        .otherwise(err -> new JsonObject().put("status", "DOWN").put("mode", MODE_POSTGRES)
            .put("detail", "PostgreSQL unreachable at " + target + " (" + err.getMessage() + ")"));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  /**
   * True when the failure is the server or the connection being unavailable (worth retrying the
   * same batch), false for an error in the statement or its data.
   */
  static boolean isTransient(Throwable err) {
    if (err instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
          || state.equals("40001") || state.equals("40P01"));
    }
    return !(err instanceof ApiException);
  }

  /** The error code a permanent failure is answered with. */
  static ErrorCode codeOf(Throwable err) {
    if (err instanceof ApiException api) {
      return api.code();
    }
    if (err instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
      return ErrorCode.VALIDATION;
    }
    return isTransient(err) ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
  }
}
