package io.gtm.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.test.TestPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several clustered Vert.x nodes in one JVM (Hazelcast, TCP-IP join on 127.0.0.1). */
class ClusterTest {
  private final List<Vertx> nodes = new ArrayList<>();

  private EngineConfig clusterConfig() {
    int base = TestPorts.freeBlock(20);
    return EngineConfig.of(Map.of(
        "CLUSTER_NAME", "gtm-test-" + UUID.randomUUID(),
        "CLUSTER_PORT", String.valueOf(base),
        "CLUSTER_MEMBERS", "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2)));
  }

  private Vertx join(EngineConfig config) throws Exception {
    Vertx v = Cluster.start(config, true).await(60, TimeUnit.SECONDS);
    nodes.add(v);
    return v;
  }

  @AfterEach
  void leave() throws Exception {
    for (Vertx v : nodes) {
      v.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void requestFromOneNodeReachesAConsumerOnAnotherAndMembersListBoth() throws Exception {
    EngineConfig config = clusterConfig();
    Vertx a = join(config);
    Vertx b = join(config);
    String address = "test.echo." + UUID.randomUUID();
    b.eventBus().<JsonObject>consumer(address, m -> m.reply(new JsonObject().put("node", Cluster.nodeId(b))
        .put("echo", m.body().getString("text")))).completion().await(10, TimeUnit.SECONDS);

    JsonObject reply = requestWhenRegistered(a, address, new JsonObject().put("text", "hello"));
    assertThat(reply.getString("echo")).isEqualTo("hello");
    assertThat(reply.getString("node")).isEqualTo(Cluster.nodeId(b)).isNotEqualTo(Cluster.nodeId(a));
    assertThat(Cluster.members(a)).containsExactlyInAnyOrder(Cluster.nodeId(a), Cluster.nodeId(b));
  }

  @Test
  void consumersOfOneAddressOnTwoNodesBothReceiveWork() throws Exception {
    EngineConfig config = clusterConfig();
    Vertx sender = join(config);
    Vertx w1 = join(config);
    Vertx w2 = join(config);
    String address = "test.work." + UUID.randomUUID();
    for (Vertx w : List.of(w1, w2)) {
      w.eventBus().<JsonObject>consumer(address, m -> m.reply(new JsonObject().put("node", Cluster.nodeId(w))))
          .completion().await(10, TimeUnit.SECONDS);
    }
    requestWhenRegistered(sender, address, new JsonObject());
    // the subscription of the second worker may reach the sender a moment later: poll with a deadline
    Set<String> seen = new HashSet<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        batch.add(sender.eventBus().<JsonObject>request(address, new JsonObject()).map(m -> m.body()));
      }
      Future.all(batch).await(10, TimeUnit.SECONDS);
      batch.forEach(f -> seen.add(f.result().getString("node")));
    }
    assertThat(seen).containsExactlyInAnyOrder(Cluster.nodeId(w1), Cluster.nodeId(w2));
  }

  /** Subscriptions propagate asynchronously: retry NO_HANDLERS until a deadline. */
  static JsonObject requestWhenRegistered(Vertx from, String address, JsonObject body) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      try {
        return from.eventBus().<JsonObject>request(address, body).await(10, TimeUnit.SECONDS).body();
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
