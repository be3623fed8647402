package io.gtm.dbwriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.DbQueries;
import io.gtm.common.test.TestPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PostgresOutageTest {

  @Test
  void writesWaitWhilePostgresIsDownAndAreCommittedWhenItReturns(Vertx vertx) throws Exception {
    int port = TestPorts.free();
    TcpProxy proxy = new TcpProxy(vertx, port);
    proxy.up().await(10, TimeUnit.SECONDS);
    Db.deploy(vertx, new JsonObject().put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + port + "/postgres")
        .put("DB_BATCH_MS", 20).put("DB_FALLBACK", "false"));
    String prefix = Db.uniqueId("outage");
    Db.writeNow(vertx, "bench_rows", new JsonObject().put("id", prefix + "-before").put("n", 0));

    proxy.down().await(10, TimeUnit.SECONDS);
    Future<JsonObject> during = Db.write(vertx, "bench_rows",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", prefix + "-during").put("n", 1)));
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject health = Db.health(vertx);
    while (!"DOWN".equals(health.getString("status")) && System.currentTimeMillis() < deadline) {
      health = Db.health(vertx);
    }
    assertThat(health.getString("status")).isEqualTo("DOWN");
    assertThat(health.getString("mode")).isEqualTo("postgres");
    assertThat(during.isComplete()).as("acknowledged before commit").isFalse();

    proxy.up().await(10, TimeUnit.SECONDS);
    assertThat(during.await(20, TimeUnit.SECONDS).getInteger("written")).isEqualTo(1);
    assertThat(Db.query(vertx, DbQueries.BENCH_ROWS_COUNT, new JsonObject().put("prefix", prefix))
        .getJsonObject(0).getLong("count")).isEqualTo(2);
    assertThat(Db.health(vertx).getString("status")).isEqualTo("UP");
  }
}
