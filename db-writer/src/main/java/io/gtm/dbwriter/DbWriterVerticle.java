package io.gtm.dbwriter;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.model.DbWrite;
import io.gtm.dbwriter.internal.Schema;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-writer service: applies the schema migrations, then serves batched idempotent writes on
 * {@code db.write}, named reads on {@code db.query} and its health on {@code db.health}. When
 * PostgreSQL cannot be reached at start-up it says so in one line and serves from memory.
 */
public final class DbWriterVerticle extends VerticleBase {
  public static final String SERVICE = "db-writer";
  private static final Logger log = LoggerFactory.getLogger(DbWriterVerticle.class);
  private static final long STOP_DRAIN_MS = 5_000;

  private DbWriterConfig config;
  private DbStore store;
  private BatchWriter writer;

  @Override
  public Future<?> start() {
    config = DbWriterConfig.from(config());
    return openStore().compose(s -> {
      store = s;
      writer = new BatchWriter(vertx, store, config, Metrics.registry());
      return Future.all(
          vertx.eventBus().<JsonObject>consumer(Addresses.DB_WRITE, this::handleWrite).completion(),
          vertx.eventBus().<JsonObject>consumer(Addresses.DB_QUERY, this::handleQuery).completion(),
          vertx.eventBus().<JsonObject>consumer(Addresses.DB_HEALTH, this::handleHealth).completion(),
          Ping.register(vertx, SERVICE));
    });
  }

  @Override
  public Future<?> stop() {
    if (writer == null) {
      return Future.succeededFuture();
    }
    return writer.close(STOP_DRAIN_MS).eventually(() -> store.close());
  }

  /** Mode in force: {@code postgres} or {@code memory}. */
  String mode() {
    return store.mode();
  }

  private Future<DbStore> openStore() {
    PgConnectOptions connect;
    try {
      connect = PgConnectOptions.fromUri(config.databaseUrl());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new io.gtm.common.config.ConfigException("DATABASE_URL", "is not a valid PostgreSQL URL"));
    }
    connect.setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512);
    String target = connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()).setName("gtm-db"))
        .with(new NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return Migrations.apply(vertx, pool)
        .<DbStore>map(applied -> {
          log.info("db-writer using PostgreSQL at {} (schema up to date{}); batches of {} rows or {} ms",
              target, applied.isEmpty() ? "" : ", applied " + applied, config.batchRows(), config.batchMs());
          return new PgStore(pool, target);
        })
        .recover(err -> {
          pool.close();
          if (!PgStore.isTransient(err) || !config.memoryFallback()) {
            return Future.failedFuture(new IllegalStateException(
                "PostgreSQL at " + target + " cannot be used: " + err.getMessage(), err));
          }
          String detail = "PostgreSQL unreachable at " + target + " (" + err.getMessage() + "); serving from memory, nothing is persisted";
          log.warn(detail);
          MemoryStore memory = MemoryStore.shared();
          memory.setDetail(detail);
          return Future.succeededFuture(memory);
        });
  }

  private void handleWrite(Message<JsonObject> msg) {
    Schema.Table table;
    List<Map<String, Object>> rows;
    try {
      if (msg.body() == null) {
        throw ApiException.invalid("table", "a DbWrite body {table, rows} is required");
      }
      DbWrite write = DbWrite.fromJson(msg.body());
      table = Schema.table(write.table());
      rows = new ArrayList<>(write.rows().size());
      for (JsonObject row : write.rows()) {
        rows.add(table.normalize(row));
      }
    } catch (ApiException e) {
      msg.fail(e.code().code(), e.getMessage());
      return;
    }
    writer.submit(table, rows)
        .onSuccess(n -> msg.reply(new JsonObject().put("written", n)))
        .onFailure(err -> fail(msg, err));
  }

  private void handleQuery(Message<JsonObject> msg) {
    JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
    Object name = body.getValue("query");
    if (!(name instanceof String query) || !DbQueries.ALL.contains(query)) {
      msg.fail(ErrorCode.VALIDATION.code(), "query: unknown query '" + name + "'; one of " + DbQueries.ALL);
      return;
    }
    Object params = body.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      msg.fail(ErrorCode.VALIDATION.code(), "params: must be an object");
      return;
    }
    Future<io.vertx.core.json.JsonArray> rows;
    try {
      rows = store.query(query, (JsonObject) params);
    } catch (ApiException e) {
      rows = Future.failedFuture(e);
    }
    rows.onSuccess(r -> msg.reply(new JsonObject().put("rows", r)))
        .onFailure(err -> fail(msg, err));
  }

  private void handleHealth(Message<JsonObject> msg) {
    store.health().onSuccess(h -> {
      String waiting = writer.unreachable();
      if (waiting != null && "UP".equals(h.getString("status"))) {
        h.put("status", "DOWN").put("detail", "PostgreSQL commits failing (" + waiting + "); writes are waiting");
      }
      msg.reply(h.put("queued_rows", writer.backlog()));
    });
  }

  private static void fail(Message<JsonObject> msg, Throwable err) {
    ErrorCode code = PgStore.codeOf(err);
    String text = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (!(err instanceof ApiException) && code == ErrorCode.UNAVAILABLE) {
      text = "PostgreSQL unavailable: " + text;
    }
    msg.fail(code.code(), text);
  }
}
