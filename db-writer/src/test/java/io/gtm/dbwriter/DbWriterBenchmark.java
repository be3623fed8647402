package io.gtm.dbwriter;

import io.gtm.common.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rows/s of 100,000 small rows through the batching writer against one row per statement.
 * Run: see bench/db-writer/README.md ({@code -Dgtm.bench=true}); skipped otherwise.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "gtm.bench", matches = "true")
class DbWriterBenchmark {
  private static final int ROWS = Integer.getInteger("gtm.bench.rows", 100_000);
  /** Rows outstanding at once stay under the writer's queue capacity (50,000). */
  private static final int IN_FLIGHT_ROWS = 20_000;

  @Test
  void rowsPerSecond() throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(Db.URL).using(vertx).build();
    try {
      Migrations.apply(vertx, pool).await(30, TimeUnit.SECONDS);
      StringBuilder out = new StringBuilder("\n| method | rows | seconds | rows/s |\n|---|---|---|---|\n");
      out.append(print(oneRowPerStatement(pool, ROWS / 10, 1)));
      out.append(print(oneRowPerStatement(pool, ROWS, 64)));
      for (int[] cfg : new int[][] {{100, 1}, {1000, 1}, {100, 10}, {1000, 100}}) {
        out.append(print(throughWriter(vertx, pool, cfg[0], cfg[1])));
      }
      System.out.println(out);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** {@code concurrency} single-row INSERT ... ON CONFLICT statements in flight (1: one after the other). */
  private static String oneRowPerStatement(Pool pool, int rows, int concurrency) throws Exception {
    String prefix = Db.uniqueId("bench-single");
    String sql = "INSERT INTO bench_rows (id, n, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n, payload = EXCLUDED.payload";
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    Future<?>[] lanes = new Future<?>[concurrency];
    for (int l = 0; l < concurrency; l++) {
      lanes[l] = lane(() -> {
        int i = next.getAndIncrement();
        return i >= rows ? null : pool.preparedQuery(sql).execute(Tuple.of(prefix + "-" + i, i, "payload-" + i)).mapEmpty();
      });
    }
    Future.all(java.util.List.of(lanes)).await(10, TimeUnit.MINUTES);
    double s = (System.nanoTime() - start) / 1e9;
    check(pool, prefix, rows);
    return row("one row per statement, " + (concurrency == 1 ? "sequential" : concurrency + " in flight (pool 4)"), rows, s);
  }

  /** Messages of {@code rowsPerMessage} rows sent to db.write, IN_FLIGHT messages outstanding. */
  private static String throughWriter(Vertx vertx, Pool pool, int batchRows, int rowsPerMessage) throws Exception {
    String id = vertx.deployVerticle(new DbWriterVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("DATABASE_URL", Db.URL).put("DB_BATCH_ROWS", batchRows).put("DB_BATCH_MS", 250).put("DB_FALLBACK", "false")))
        .await(30, TimeUnit.SECONDS);
    String prefix = Db.uniqueId("bench-batch");
    AtomicInteger next = new AtomicInteger();
    int messages = ROWS / rowsPerMessage;
    int inFlight = Math.min(512, IN_FLIGHT_ROWS / rowsPerMessage);
    long start = System.nanoTime();
    Future<?>[] lanes = new Future<?>[inFlight];
    for (int l = 0; l < inFlight; l++) {
      lanes[l] = lane(() -> {
        int m = next.getAndIncrement();
        if (m >= messages) {
          return null;
        }
        JsonArray rows = new JsonArray();
        for (int r = 0; r < rowsPerMessage; r++) {
          int i = m * rowsPerMessage + r;
          rows.add(new JsonObject().put("id", prefix + "-" + i).put("n", i).put("payload", "payload-" + i));
        }
        return vertx.eventBus().request(Addresses.DB_WRITE, new JsonObject().put("table", "bench_rows").put("rows", rows)).mapEmpty();
      });
    }
    Future.all(java.util.List.of(lanes)).await(10, TimeUnit.MINUTES);
    double s = (System.nanoTime() - start) / 1e9;
    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    check(pool, prefix, ROWS);
    return row("batching writer, DB_BATCH_ROWS=" + batchRows + ", " + rowsPerMessage + " row(s)/message, "
        + inFlight + " messages in flight", ROWS, s);
  }

  /** Runs steps one after the other until a step returns null. */
  private static Future<Void> lane(java.util.function.Supplier<Future<Void>> step) {
    Promise<Void> done = Promise.promise();
    runLane(step, done);
    return done.future();
  }

  private static void runLane(java.util.function.Supplier<Future<Void>> step, Promise<Void> done) {
    Future<Void> f = step.get();
    if (f == null) {
      done.complete();
      return;
    }
    f.onSuccess(v -> runLane(step, done)).onFailure(done::fail);
  }

  private static void check(Pool pool, String prefix, int rows) throws Exception {
    long n = Db.count(pool, "SELECT count(*) FROM bench_rows WHERE starts_with(id, $1)", prefix);
    pool.preparedQuery("DELETE FROM bench_rows WHERE starts_with(id, $1)").execute(Tuple.of(prefix)).await(60, TimeUnit.SECONDS);
    if (n != rows) {
      throw new AssertionError("expected " + rows + " rows, found " + n);
    }
  }

  private static String print(String line) {
    System.out.print(line);
    return line;
  }

  private static String row(String method, int rows, double seconds) {
    return String.format(Locale.ROOT, "| %s | %d | %.2f | %.0f |%n", method, rows, seconds, rows / seconds);
  }
}
