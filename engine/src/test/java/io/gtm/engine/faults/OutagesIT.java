package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, outages of the machine's PostgreSQL and Redis in the middle of a research batch and a
 * book on an {@code all} engine process: both jobs finish, every domain and every chapter stored
 * exactly once. Both disturb every other user of these servers, hence slow; each restores its
 * server in a finally block.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutagesIT {
  static final int COMPANIES = 120;
  private Vertx vertx;
  private Simulator sim;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Harness.simulator(vertx, 100, 300, 60, 150);
  }

  @AfterAll
  void stop() throws Exception {
    Harness.close(vertx);
  }

  @Test
  void postgresRestartMidJobLosesNoRow() throws Exception {
    String cluster = Files.list(Path.of("/etc/postgresql")).findFirst().orElseThrow().getFileName().toString();
    scenario("pgrestart", () -> {
      assertThat(Harness.run("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart")).isZero();
    }, () -> {
      if (Harness.run("pg_isready", "-h", "127.0.0.1", "-q") != 0) {
        Harness.run("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start");
      }
    }, "PostgreSQL reachable again");
  }

  @Test
  void redisStoppedMidJobFallsBackPerProcessAndLosesNothing() throws Exception {
    scenario("redisdown", () -> {
      Harness.run("redis-cli", "-h", "127.0.0.1", "shutdown", "nosave");
    }, OutagesIT::startRedis, "in this process only");
  }

  static void startRedis() throws Exception {
    if (Harness.run("redis-cli", "-h", "127.0.0.1", "ping") != 0) {
      Files.createDirectories(Path.of("/var/lib/redis"));
      Files.createDirectories(Path.of("/var/log/redis"));
      Harness.run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
          "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log");
      Harness.await("redis answers", Duration.ofSeconds(30), () -> {
        try {
          return Harness.run("redis-cli", "-h", "127.0.0.1", "ping") == 0;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  static String redisKeys(String pattern) {
    try {
      return Harness.output("redis-cli", "-h", "127.0.0.1", "--scan", "--pattern", pattern);
    } catch (Exception e) {
      return "";
    }
  }

  interface Step {
    void run() throws Exception;
  }

  private void scenario(String name, Step outage, Step restore, String logLine) throws Exception {
    int port = Harness.freePort();
    Map<String, String> env = Harness.env(sim, port, name);
    String api = "http://127.0.0.1:" + port;
    String book = Harness.longBook();
    try (EngineProcess engine = Harness.startEngine("outage-" + name, env)) {
      long t0 = System.nanoTime();
      String researchId = Harness.startResearch(api, Harness.researchBody(Harness.domains(name, COMPANIES), "standard", 10));
      String docId = Harness.startDocument(api, book, "Outage%20" + name);
      Harness.await("some domains and chapters done", Duration.ofSeconds(120), () -> {
        JsonObject r = Harness.getJson(api + "/api/research/jobs/" + researchId);
        JsonObject d = Harness.getJson(api + "/api/documents/" + docId);
        return r != null && r.getInteger("completed_companies", 0) >= 5 && d != null && d.getInteger("chapters_done", 0) >= 1;
      });
      int before = Harness.getJson(api + "/api/research/jobs/" + researchId).getInteger("completed_companies");
      long outageAt = System.nanoTime();
      long recoverMillis;
      try {
        outage.run();
        if (name.equals("redisdown")) {
          // jobs keep going while Redis is away: more domains complete, and the fallback is announced
          Harness.await("work going on without Redis", Duration.ofSeconds(120), () -> {
            JsonObject r = Harness.getJson(api + "/api/research/jobs/" + researchId);
            return r != null && (r.getInteger("completed_companies", 0) >= before + 10 || !"running".equals(r.getString("status")));
          });
          assertThat(engine.output()).as("log %s", engine.log).contains(logLine);
        }
      } finally {
        restore.run();
      }
      recoverMillis = (System.nanoTime() - outageAt) / 1_000_000;
      if (name.equals("redisdown")) {
        // coordination resumes when Redis returns: a batch started now is limited cluster-wide again,
        // with its windows in the (restarted, empty) Redis
        String after = Harness.startResearch(api, Harness.researchBody(Harness.domains(name + "-after", 5), "standard", 10));
        Harness.await("rate limits back in Redis", Duration.ofSeconds(60), () ->
            engine.output().contains("Redis is back, the limit is cluster-wide again")
                && !redisKeys("gtm:" + env.get("CLUSTER_NAME") + ":ratelimit:*").isEmpty());
        assertThat(Harness.awaitFinished(api + "/api/research/jobs/" + after, Duration.ofMinutes(2)).getString("status"))
            .isEqualTo("done");
      }
      JsonObject research = Harness.awaitFinished(api + "/api/research/jobs/" + researchId, Duration.ofMinutes(5));
      JsonObject doc = Harness.awaitFinished(api + "/api/documents/" + docId, Duration.ofMinutes(5));
      long totalMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(research.getString("status")).as("research %s, log %s", research.encode(), engine.log).isEqualTo("done");
      assertThat(doc.getString("status")).as("document %s, log %s", doc.encode(), engine.log).isEqualTo("done");

      // 0 rows lost, none duplicated: every domain once, every chapter once, in the API and in the tables
      JsonArray results = Harness.getJson(api + "/api/research/jobs/" + researchId + "?limit=1000").getJsonArray("results");
      assertThat(results).hasSize(COMPANIES);
      assertThat(results.stream().map(o -> ((JsonObject) o).getString("domain")).distinct()).hasSize(COMPANIES);
      assertThat(Harness.sql("SELECT count(DISTINCT domain) || '/' || count(*) FROM company_results WHERE run_id = '" + researchId + "'"))
          .isEqualTo(COMPANIES + "/" + COMPANIES);
      int chapters = doc.getInteger("chapters_total");
      assertThat(Harness.sql("SELECT count(DISTINCT number) || '/' || count(*) FROM chapters WHERE document_id = '" + docId
          + "' AND status = 'done' AND summary <> ''")).isEqualTo(chapters + "/" + chapters);
      // an outage is announced once, not once per failed read
      long cacheWarnings = engine.output().lines().filter(l -> l.contains("summary cache read failed")).count();
      assertThat(cacheWarnings).as("summary cache warnings, log %s", engine.log).isLessThanOrEqualTo(1);
      System.out.printf("FAULTS %s companies=%d chapters=%d completed_before_outage=%d recover_ms=%d total_ms=%d warning=%s%n",
          name, COMPANIES, chapters, before, recoverMillis, totalMillis, engine.output().contains(logLine));
    } finally {
      restore.run();
    }
  }
}
