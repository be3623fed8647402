package io.gtm.gateway.events;

import io.gtm.common.Addresses;
import io.gtm.common.ErrorCode;
import io.gtm.gateway.http.RetryAfterException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Reads a named query a page at a time ({@code after_seq} keyset paging on the rows' {@code seq})
 * and hands each page to a sink before reading the next: large lists go out as they are read,
 * never whole in memory.
 */
public final class StoredRows {
  private StoredRows() {}

  public static final int PAGE = 1000;
  private static final long QUERY_TIMEOUT_MS = 30_000;
  /** What a client is told to wait before asking again when the store does not answer (a db-writer restart). */
  public static final long RETRY_AFTER_S = 5;

  /** One page of rows from db-writer (streams: a large list being written waits up to 30 s per page). */
  public static Future<JsonArray> page(Vertx vertx, String query, JsonObject params) {
    return page(vertx, query, params, QUERY_TIMEOUT_MS);
  }

  /**
   * One page of rows for a client waiting on its answer ({@code GATEWAY_READ_TIMEOUT_MS}): when
   * db-writer does not answer in time, or none is running (killed, restarting), fails at once with a
   * 503 and {@code Retry-After} ({@link #storeUnavailable}) instead of holding the request.
   */
  public static Future<JsonArray> read(Vertx vertx, String query, JsonObject params, long timeoutMs) {
    return page(vertx, query, params, timeoutMs).recover(err -> Future.failedFuture(
        unanswered(err) ? storeUnavailable() : err));
  }

  private static Future<JsonArray> page(Vertx vertx, String query, JsonObject params, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY,
            new JsonObject().put("query", query).put("params", params),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(m -> m.body().getJsonArray("rows", new JsonArray()));
  }

  /** The 503 of a read the store did not answer. */
  public static RetryAfterException storeUnavailable() {
    return new RetryAfterException(ErrorCode.UNAVAILABLE,
        "the job store (db-writer) is not answering; try again shortly", RETRY_AFTER_S);
  }

  /** True for a read that got no answer (timeout, no db-writer registered), as opposed to a refusal. */
  public static boolean unanswered(Throwable err) {
    if (err instanceof RetryAfterException r && r.code() == ErrorCode.UNAVAILABLE) {
      return true;
    }
    return err instanceof ReplyException re && (re.failureType() == ReplyFailure.TIMEOUT
        || re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.ERROR);
  }

  /**
   * Pages through {@code query} (rows ordered by {@code seq}) from {@code afterSeq}, calling
   * {@code sink} with each non-empty page in order; completes with the last seq seen.
   */
  public static Future<Long> each(Vertx vertx, String query, JsonObject params, long afterSeq,
                                  Function<JsonArray, Future<Void>> sink) {
    JsonObject p = params.copy().put("after_seq", afterSeq).put("limit", PAGE);
    return page(vertx, query, p).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.succeededFuture(afterSeq);
      }
      long last = rows.getJsonObject(rows.size() - 1).getLong("seq", afterSeq);
      boolean more = rows.size() >= PAGE && last > afterSeq;
      // the continuation must not capture the page: every level of this recursion stays alive
      // until the last page is written, so a captured page would keep the whole list in memory
      return sink.apply(rows).compose(v -> more ? each(vertx, query, params, last, sink) : Future.succeededFuture(last));
    });
  }

  /**
   * Writes a JSON array, {@code [item,item,...]}, of one column of the query's rows, through
   * {@code write} (called with successive text pieces). The rows' {@code seq} starts at 1
   * (db-writer refuses a negative {@code after_seq} for result tables).
   */
  public static Future<Void> writeArray(Vertx vertx, String query, JsonObject params, String column,
                                        Function<String, Future<Void>> write) {
    boolean[] first = {true};
    return write.apply("[")
        .compose(v -> each(vertx, query, params, 0, rows -> {
          StringBuilder sb = new StringBuilder(rows.size() * 256);
          for (int i = 0; i < rows.size(); i++) {
            if (!first[0]) {
              sb.append(',');
            }
            first[0] = false;
            Object value = rows.getJsonObject(i).getValue(column);
            sb.append(value instanceof JsonObject o ? o.encode() : Json.encode(value));
          }
          return write.apply(sb.toString());
        }))
        .compose(last -> write.apply("]"));
  }
}
