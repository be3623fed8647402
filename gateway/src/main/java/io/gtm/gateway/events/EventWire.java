package io.gtm.gateway.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The JSON text of an event as clients receive it. An event may name a large list by reference
 * instead of carrying it: {@code "$stream": {"field", "query", "params", "column"}}; the list is
 * then read from storage and written in pieces in place of the reference (e.g. the
 * {@code results} of {@code pipeline_complete}).
 */
public final class EventWire {
  private EventWire() {}

  public static final String STREAM = "$stream";

  /** A reference to a list kept in storage: {@code field} will hold the {@code column} of the query's rows. */
  public static JsonObject streamRef(String field, String query, JsonObject params, String column) {
    return new JsonObject().put("field", field).put("query", query).put("params", params).put("column", column);
  }

  /** Writes the event's JSON through {@code write}, in one piece or, with a stream reference, several. */
  public static Future<Void> write(Vertx vertx, JsonObject wire, Function<String, Future<Void>> write) {
    JsonObject ref = wire.getJsonObject(STREAM);
    if (ref == null) {
      return write.apply(wire.encode());
    }
    JsonObject rest = wire.copy();
    rest.remove(STREAM);
    String head = rest.encode();
    String field = ref.getString("field");
    String open = head.substring(0, head.length() - 1) + (rest.isEmpty() ? "" : ",")
        + io.vertx.core.json.Json.encode(field) + ":";
    return write.apply(open)
        .compose(v -> StoredRows.writeArray(vertx, ref.getString("query"), ref.getJsonObject("params"),
            ref.getString("column"), write))
        .compose(v -> write.apply("}"));
  }
}
