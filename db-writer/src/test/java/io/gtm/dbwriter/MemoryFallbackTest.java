package io.gtm.dbwriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MemoryFallbackTest {

  private static JsonObject unreachable() {
    return new JsonObject().put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + TestPorts.free() + "/postgres");
  }

  @Test
  void withPostgresUnreachableTheVerticleDeploysAndSaysItServesFromMemory(Vertx vertx) throws Exception {
    Db.deploy(vertx, unreachable());
    JsonObject health = Db.health(vertx);
    assertThat(health.getString("mode")).isEqualTo("memory");
    assertThat(health.getString("status")).isEqualTo("DOWN");
    assertThat(health.getString("detail")).contains("unreachable").contains("memory");
  }

  @Test
  void theInMemoryFallbackAnswersTheSameNamedQueries(Vertx vertx) throws Exception {
    Db.deploy(vertx, unreachable());
    NamedQueryScenario.run(vertx);
  }

  @Test
  void theInMemoryFallbackUpsertsOnTheKey(Vertx vertx) throws Exception {
    Db.deploy(vertx, unreachable().put("DB_BATCH_MS", 10));
    String id = Db.uniqueId("mem");
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", id).put("research_goal", "g").put("status", "queued"));
    Db.writeNow(vertx, "research_runs", new JsonObject().put("id", id).put("status", "done"));
    JsonObject row = Db.query(vertx, io.gtm.common.DbQueries.RESEARCH_RUN, new JsonObject().put("id", id)).getJsonObject(0);
    assertThat(row.getString("research_goal")).isEqualTo("g");
    assertThat(row.getString("status")).isEqualTo("done");
  }
}
