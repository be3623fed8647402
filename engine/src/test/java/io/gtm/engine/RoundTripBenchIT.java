package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.test.TestPorts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a timed assertion): event-bus request/reply round trip, one request in flight,
 * locally, clustered in one JVM and across two processes. Prints p50/p99 and writes
 * {@code target/bench/platform-roundtrip.txt}. Run: see bench/platform/README.md.
 */
@Tag("slow")
class RoundTripBenchIT {
  static final int WARMUP = 5_000;
  static final int SAMPLES = 20_000;
  final StringBuilder report = new StringBuilder();

  @Test
  void roundTripLocalClusteredAndAcrossProcesses() throws Exception {
    // local event bus
    Vertx local = Cluster.start(EngineConfig.of(Map.of()), false).await(30, TimeUnit.SECONDS);
    local.eventBus().<JsonObject>consumer("bench.echo", m -> m.reply(m.body())).completion().await(10, TimeUnit.SECONDS);
    record("local (one JVM, no cluster)", local, "bench.echo");
    local.close().await(10, TimeUnit.SECONDS);

    int base = TestPorts.freeBlock(20);
    Map<String, String> env = Map.of(
        "CLUSTER_NAME", "gtm-bench-" + UUID.randomUUID(),
        "CLUSTER_PORT", String.valueOf(base),
        "CLUSTER_MEMBERS", "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2),
        "HTTP_PORT", String.valueOf(TestPorts.free()));
    EngineConfig config = EngineConfig.of(env);

    // two clustered nodes in this JVM
    Vertx a = Cluster.start(config, true).await(60, TimeUnit.SECONDS);
    Vertx b = Cluster.start(config, true).await(60, TimeUnit.SECONDS);
    b.eventBus().<JsonObject>consumer("bench.echo", m -> m.reply(m.body())).completion().await(10, TimeUnit.SECONDS);
    awaitHandler(a, "bench.echo");
    record("clustered, two nodes in one JVM", a, "bench.echo");
    b.close().await(30, TimeUnit.SECONDS);

    // this JVM and an engine process (ping.query-generator)
    try (EngineProcess p = EngineProcess.start("bench-qg", env, "service", "query-generator", "--cluster")) {
      awaitHandler(a, Addresses.ping("query-generator"));
      record("clustered, across two processes", a, Addresses.ping("query-generator"));
    } finally {
      a.close().await(30, TimeUnit.SECONDS);
    }
    Path out = Path.of("target", "bench", "platform-roundtrip.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.print(report);
  }

  private void record(String label, Vertx from, String address) throws Exception {
    run(from, address, WARMUP).await(120, TimeUnit.SECONDS);
    long[] ns = run(from, address, SAMPLES).await(300, TimeUnit.SECONDS);
    Arrays.sort(ns);
    double p50 = ns[ns.length / 2] / 1000.0;
    double p99 = ns[(int) (ns.length * 0.99)] / 1000.0;
    report.append(String.format("%-34s p50 %8.1f us   p99 %8.1f us   (%d sequential requests)%n", label, p50, p99, SAMPLES));
    assertThat(p50).isPositive();
  }

  /** {@code n} sequential requests, each sent from the event loop when the previous reply arrives. */
  private static Future<long[]> run(Vertx vertx, String address, int n) {
    Promise<long[]> done = Promise.promise();
    long[] samples = new long[n];
    JsonObject body = new JsonObject().put("bench", true);
    vertx.runOnContext(v -> next(vertx, address, body, samples, 0, done));
    return done.future();
  }

  private static void next(Vertx vertx, String address, JsonObject body, long[] samples, int i, Promise<long[]> done) {
    if (i == samples.length) {
      done.complete(samples);
      return;
    }
    long t0 = System.nanoTime();
    vertx.eventBus().request(address, body).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      samples[i] = System.nanoTime() - t0;
      next(vertx, address, body, samples, i + 1, done);
    });
  }

  private static void awaitHandler(Vertx from, String address) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      try {
        from.eventBus().request(address, new JsonObject()).await(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(100); // polling interval with a deadline
      }
    }
  }
}
