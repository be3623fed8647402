package io.gtm.dbwriter;

import io.gtm.dbwriter.internal.BatchPlan;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Where rows go and named reads come from: PostgreSQL, or the in-memory fallback. */
interface DbStore {
  String MODE_POSTGRES = "postgres";
  String MODE_MEMORY = "memory";

  String mode();

  /** Applies every segment in order, all or nothing. */
  Future<Void> commit(List<List<BatchPlan.Group>> segments);

  /** A named query of {@code DbQueries}; params are validated (ApiException naming the parameter). */
  Future<JsonArray> query(String name, JsonObject params);

  /** {@code {status, mode, detail}}. */
  Future<JsonObject> health();

  Future<Void> close();
}
