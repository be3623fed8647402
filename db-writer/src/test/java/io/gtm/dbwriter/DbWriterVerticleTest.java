package io.gtm.dbwriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** db-writer against the real PostgreSQL on 127.0.0.1:5432 (shared: every id is unique to the test). */
@ExtendWith(VertxExtension.class)
class DbWriterVerticleTest {
  private Pool pg;

  @BeforeEach
  void setUp(Vertx vertx) {
    pg = Db.pool(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    pg.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject config() {
    return new JsonObject().put("DATABASE_URL", Db.URL).put("DB_FALLBACK", "false");
  }

  @Test
  void migrationsApplyConcurrentlyAndTwiceWithoutError(Vertx vertx) throws Exception {
    List<Future<List<Integer>>> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(Migrations.apply(vertx, pg));
    }
    Future.all(runs).await(30, TimeUnit.SECONDS);
    List<Integer> again = Migrations.apply(vertx, pg).await(30, TimeUnit.SECONDS);

    assertThat(again).isEmpty();
    assertThat(runs.stream().mapToInt(f -> f.result().size()).sum()).isLessThanOrEqualTo(1);
    assertThat(Db.count(pg, "SELECT count(*) FROM schema_version WHERE version = 1")).isEqualTo(1);
    assertThat(Db.count(pg, "SELECT count(*) FROM information_schema.tables WHERE table_name = ANY($1::text[])",
        (Object) new String[] {"research_runs", "company_results", "documents", "chapters", "reports",
            "report_sections", "job_events", "summary_cache", "bench_rows"})).isEqualTo(9);
  }

  @Test
  void tenThousandRowsFromConcurrentSendersArriveExactlyOnceEvenWhenResent(Vertx vertx) throws Exception {
    Db.deploy(vertx, config().put("DB_BATCH_ROWS", 100).put("DB_BATCH_MS", 50));
    String prefix = Db.uniqueId("ten");
    List<Future<JsonObject>> sent = new ArrayList<>();
    for (int sender = 0; sender < 8; sender++) {
      for (int msg = 0; msg < 25; msg++) {
        JsonArray rows = new JsonArray();
        for (int r = 0; r < 50; r++) {
          int n = (sender * 25 + msg) * 50 + r;
          rows.add(new JsonObject().put("id", prefix + "-" + n).put("n", n).put("payload", "p" + n));
        }
        sent.add(Db.write(vertx, "bench_rows", rows));
        if (msg % 5 == 0) {
          sent.add(Db.write(vertx, "bench_rows", rows.copy())); // a sender retrying after a timeout
        }
      }
    }
    Future.all(sent).await(60, TimeUnit.SECONDS);

    assertThat(sent).allSatisfy(f -> assertThat(f.result().getInteger("written")).isEqualTo(50));
    assertThat(Db.count(pg, "SELECT count(*) FROM bench_rows WHERE starts_with(id, $1)", prefix)).isEqualTo(10_000);
    assertThat(Db.count(pg, "SELECT count(DISTINCT n) FROM bench_rows WHERE starts_with(id, $1)", prefix)).isEqualTo(10_000);
    assertThat(Db.query(vertx, DbQueries.BENCH_ROWS_COUNT, new JsonObject().put("prefix", prefix)).getJsonObject(0)
        .getLong("count")).isEqualTo(10_000);
  }

  @Test
  void aReplayedBatchAddsNothingAndKeepsInsertionOrder(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    String run = Db.uniqueId("run");
    JsonArray rows = new JsonArray();
    for (String d : List.of("c.com", "a.com", "b.com")) {
      rows.add(new JsonObject().put("run_id", run).put("domain", d).put("confidence_score", 0.5)
          .put("result", new JsonObject().put("domain", d)));
    }
    Db.write(vertx, "company_results", rows).await(20, TimeUnit.SECONDS);
    JsonArray first = Db.query(vertx, DbQueries.COMPANY_RESULTS, new JsonObject().put("run_id", run));
    Db.write(vertx, "company_results", rows).await(20, TimeUnit.SECONDS);
    JsonArray second = Db.query(vertx, DbQueries.COMPANY_RESULTS, new JsonObject().put("run_id", run));

    assertThat(Db.count(pg, "SELECT count(*) FROM company_results WHERE run_id = $1", run)).isEqualTo(3);
    assertThat(second).isEqualTo(first);
    assertThat(second.stream().map(o -> ((JsonObject) o).getString("domain"))).containsExactly("c.com", "a.com", "b.com");
  }

  @Test
  void aFewRowsAreFlushedByTheTimerBeforeTheBatchFills(Vertx vertx) throws Exception {
    Db.deploy(vertx, config().put("DB_BATCH_ROWS", 1000).put("DB_BATCH_MS", 100));
    String prefix = Db.uniqueId("timer");
    long start = System.nanoTime();
    JsonObject reply = Db.writeNow(vertx, "bench_rows",
        new JsonObject().put("id", prefix + "-1").put("n", 1),
        new JsonObject().put("id", prefix + "-2").put("n", 2),
        new JsonObject().put("id", prefix + "-3").put("n", 3));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(reply.getInteger("written")).isEqualTo(3);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(90);
    assertThat(Db.count(pg, "SELECT count(*) FROM bench_rows WHERE starts_with(id, $1)", prefix)).isEqualTo(3);
  }

  @Test
  void rowsWithDifferentColumnSetsAndRepeatedKeysApplyInOrder(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    String id = Db.uniqueId("cols");
    String other = Db.uniqueId("cols");
    Db.writeNow(vertx, "research_runs",
        new JsonObject().put("id", id).put("status", "queued"),
        new JsonObject().put("id", other).put("research_goal", "g2").put("total_companies", 7),
        new JsonObject().put("id", id).put("research_goal", "find fintechs").put("total_companies", 3),
        new JsonObject().put("id", id).put("status", "running"),
        new JsonObject().put("id", id).put("status", "done"));

    JsonObject row = Db.query(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", id)).getJsonObject(0);
    assertThat(row.getString("status")).isEqualTo("done");
    assertThat(row.getString("research_goal")).isEqualTo("find fintechs");
    assertThat(row.getInteger("total_companies")).isEqualTo(3);
    assertThat(Db.query(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", other)).getJsonObject(0)
        .getInteger("total_companies")).isEqualTo(7);
  }

  @Test
  void anUpsertUpdatesOnlyTheColumnsItCarries(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    String id = Db.uniqueId("upsert");
    // statuses no summarizer claims (queued/splitting/running would be picked up by any running engine)
    Db.writeNow(vertx, "documents", new JsonObject().put("id", id).put("title", "Les Misérables")
        .put("status", "cancelled").put("content", "text").put("chapters_total", 365));
    JsonObject before = Db.query(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", id)).getJsonObject(0);
    Db.writeNow(vertx, "documents", new JsonObject().put("id", id).put("status", "partial").put("chapters_done", 1));
    JsonObject after = Db.query(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", id)).getJsonObject(0);

    assertThat(after.getString("title")).isEqualTo("Les Misérables");
    assertThat(after.getInteger("chapters_total")).isEqualTo(365);
    assertThat(after.getString("status")).isEqualTo("partial");
    assertThat(after.getInteger("chapters_done")).isEqualTo(1);
    assertThat(after.getString("created_at")).isEqualTo(before.getString("created_at"));
    assertThat(Instant.parse(after.getString("updated_at"))).isAfter(Instant.parse(before.getString("updated_at")));
    assertThat(Db.query(vertx, DbQueries.DOCUMENT_CONTENT, new JsonObject().put("id", id)).getJsonObject(0)
        .getString("content")).isEqualTo("text");
  }

  @Test
  void unknownTablesColumnsAndBadValuesAreRejectedNamingTheField(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    assertThatThrownBy(() -> Db.writeNow(vertx, "users", new JsonObject().put("id", "x")))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(ErrorCode.VALIDATION.code());
          assertThat(e.getMessage()).contains("table");
        });
    assertThatThrownBy(() -> Db.writeNow(vertx, "bench_rows", new JsonObject().put("id", "x").put("n; drop", 1)))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(ErrorCode.VALIDATION.code());
          assertThat(e.getMessage()).contains("n; drop");
        });
    assertThatThrownBy(() -> Db.writeNow(vertx, "bench_rows", new JsonObject().put("id", "x").put("n", "one")))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.getMessage()).contains("bench_rows.n"));
    assertThatThrownBy(() -> Db.query(vertx, "drop_everything", new JsonObject()))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(ErrorCode.VALIDATION.code());
          assertThat(e.getMessage()).startsWith("query");
        });
    assertThatThrownBy(() -> Db.query(vertx, DbQueries.CHAPTERS, new JsonObject()))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.getMessage()).contains("document_id"));
  }

  @Test
  void aFullQueueRefusesNewWritesWithUnavailable(Vertx vertx) throws Exception {
    Db.deploy(vertx, config().put("DB_BATCH_ROWS", 1000).put("DB_BATCH_MS", 60_000).put("DB_QUEUE_CAPACITY", 10));
    String prefix = Db.uniqueId("full");
    JsonArray eight = new JsonArray();
    for (int i = 0; i < 8; i++) {
      eight.add(new JsonObject().put("id", prefix + "-" + i).put("n", i));
    }
    Future<JsonObject> waiting = Db.write(vertx, "bench_rows", eight);
    assertThatThrownBy(() -> Db.writeNow(vertx, "bench_rows",
        new JsonObject().put("id", prefix + "-a"), new JsonObject().put("id", prefix + "-b"),
        new JsonObject().put("id", prefix + "-c")))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(ErrorCode.UNAVAILABLE.code()));
    assertThat(waiting.isComplete()).isFalse();
  }

  @Test
  void healthReportsPostgresUp(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    JsonObject health = Db.health(vertx);
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getString("mode")).isEqualTo("postgres");
  }

  @Test
  void namedQueriesReturnRowsOfTheDocumentedShape(Vertx vertx) throws Exception {
    Db.deploy(vertx, config());
    NamedQueryScenario.run(vertx);
  }
}
