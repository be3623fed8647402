package io.gtm.dbwriter;

import io.gtm.common.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Test helpers: deploy the verticle, talk to it over the event bus, look at PostgreSQL directly. */
final class Db {
  static final String URL = "postgresql://postgres@127.0.0.1:5432/postgres";

  private Db() {}

  static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  static String deploy(Vertx vertx, JsonObject config) throws Exception {
    return vertx.deployVerticle(new DbWriterVerticle(), new DeploymentOptions().setConfig(config))
        .await(30, TimeUnit.SECONDS);
  }

  static Future<JsonObject> write(Vertx vertx, String table, JsonArray rows) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_WRITE, new JsonObject().put("table", table).put("rows", rows))
        .map(Message::body);
  }

  static JsonObject writeNow(Vertx vertx, String table, JsonObject... rows) throws Exception {
    JsonArray arr = new JsonArray();
    for (JsonObject r : rows) {
      arr.add(r);
    }
    return write(vertx, table, arr).await(20, TimeUnit.SECONDS);
  }

  static JsonArray query(Vertx vertx, String name, JsonObject params) throws Exception {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", name).put("params", params))
        .await(20, TimeUnit.SECONDS).body().getJsonArray("rows");
  }

  static JsonObject health(Vertx vertx) throws Exception {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_HEALTH, new JsonObject()).await(20, TimeUnit.SECONDS).body();
  }

  static Pool pool(Vertx vertx) {
    return PgBuilder.pool().connectingTo(URL).using(vertx).build();
  }

  static long count(Pool pool, String sql, Object... args) throws Exception {
    return pool.preparedQuery(sql).execute(Tuple.wrap(args)).await(20, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
  }
}
