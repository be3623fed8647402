package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.test.TestPorts;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine jar as separate OS processes joined to one Hazelcast cluster: requests cross
 * processes, two instances of a service share the work, a killed instance is survived, the
 * gateway's readiness lists every node, and SIGTERM stops a process cleanly with exit code 0.
 */
class ClusterProcessesIT {
  private final List<EngineProcess> processes = new ArrayList<>();
  private Vertx self;

  @AfterEach
  void stop() throws Exception {
    if (self != null) {
      self.close().await(30, TimeUnit.SECONDS);
    }
    for (EngineProcess p : processes) {
      p.close();
    }
  }

  @Test
  void servicesInSeparateProcessesShareWorkSurviveAKillAndStopCleanly() throws Exception {
    int base = TestPorts.freeBlock(20);
    int httpPort = TestPorts.free();
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", "gtm-it-" + UUID.randomUUID());
    env.put("CLUSTER_PORT", String.valueOf(base));
    env.put("CLUSTER_MEMBERS", "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2));
    env.put("HTTP_PORT", String.valueOf(httpPort));
    env.put("METRICS_PORT", "0");

    EngineProcess gateway = launch("gateway", env, "service", "gateway", "--cluster");
    EngineProcess qg1 = launch("qg1", env, "service", "query-generator", "--cluster");
    int metricsPort = TestPorts.free();
    Map<String, String> withMetrics = new HashMap<>(env);
    withMetrics.put("METRICS_PORT", String.valueOf(metricsPort));
    EngineProcess qg2 = launch("qg2", withMetrics, "service", "query-generator", "--cluster");

    // this test joins the same cluster as a fourth node
    self = Cluster.start(EngineConfig.of(env), true).await(60, TimeUnit.SECONDS);

    // both query-generator processes answer their ping, each with its own pid
    Set<Long> pids = new HashSet<>();
    long deadline = System.currentTimeMillis() + 90_000;
    while (pids.size() < 2 && System.currentTimeMillis() < deadline) {
      JsonObject pong = ping("query-generator");
      if (pong != null) {
        pids.add(pong.getLong("pid"));
      }
    }
    assertThat(pids).as(logs()).containsExactlyInAnyOrder(qg1.pid(), qg2.pid());
    JsonObject gatewayPong = pingUntil("gateway", 30_000);
    assertThat(gatewayPong).as(logs()).isNotNull();
    assertThat(gatewayPong.getLong("pid")).isEqualTo(gateway.pid());

    // a service process without the gateway serves its own metrics, labelled with its service
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("vertx_eventbus_").contains("service=\"query-generator\"");

    // the gateway's readiness lists every node of the cluster (3 processes + this test)
    JsonArray members = awaitMembers(httpPort, 4, 60_000);
    assertThat(members).as(logs()).hasSize(4).contains(Cluster.nodeId(self));

    // kill -9 one instance: the other keeps answering
    qg1.process.destroyForcibly();
    qg1.process.waitFor(30, TimeUnit.SECONDS);
    int consecutive = 0;
    deadline = System.currentTimeMillis() + 60_000;
    while (consecutive < 20 && System.currentTimeMillis() < deadline) {
      JsonObject pong = ping("query-generator");
      consecutive = pong != null && pong.getLong("pid") == qg2.pid() ? consecutive + 1 : 0;
    }
    assertThat(consecutive).as("survivor answers 20 pings in a row after the kill").isEqualTo(20);

    // SIGTERM: undeploy, leave the cluster, exit 0
    qg2.process.destroy();
    assertThat(qg2.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
    assertThat(qg2.process.exitValue()).as(qg2.output()).isZero();
    assertThat(qg2.output()).contains("shutting down").contains("stopped").doesNotContain("SEVERE");
  }

  private EngineProcess launch(String name, Map<String, String> env, String... args) throws Exception {
    EngineProcess p = EngineProcess.start(name, env, args);
    processes.add(p);
    return p;
  }

  private JsonObject ping(String service) {
    try {
      return self.eventBus().<JsonObject>request(Addresses.ping(service), new JsonObject(),
          new DeliveryOptions().setSendTimeout(2000)).await(5, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      pause();
      return null;
    }
  }

  private JsonObject pingUntil(String service, long timeoutMs) {
    return poll(() -> ping(service), timeoutMs);
  }

  private JsonArray awaitMembers(int port, int count, long timeoutMs) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    JsonArray last = poll(() -> {
      try {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        for (Object o : new JsonObject(res.body()).getJsonArray("checks")) {
          JsonObject c = (JsonObject) o;
          if ("cluster".equals(c.getString("id"))) {
            JsonArray m = c.getJsonObject("data").getJsonArray("members");
            return m.size() >= count ? m : null;
          }
        }
      } catch (Exception e) {
        pause();
      }
      return null;
    }, timeoutMs);
    return last == null ? new JsonArray() : last;
  }

  /** Calls {@code attempt} until it returns non-null or the deadline passes. */
  private static <T> T poll(Supplier<T> attempt, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      T v = attempt.get();
      if (v != null) {
        return v;
      }
      pause();
    }
    return null;
  }

  private static void pause() {
    try {
      Thread.sleep(100); // polling interval, not synchronization: every wait has a condition and a deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String logs() {
    StringBuilder sb = new StringBuilder();
    for (EngineProcess p : processes) {
      sb.append("\n--- ").append(p.log).append('\n').append(p.output());
    }
    return sb.toString();
  }
}
