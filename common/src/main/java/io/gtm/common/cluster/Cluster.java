package io.gtm.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts this process's Vert.x: local, or joined to the Hazelcast cluster named by
 * {@code CLUSTER_NAME} with TCP-IP join to {@code CLUSTER_MEMBERS} (PLATFORM.md: no multicast,
 * no auto-detection, no join delay). Host, port and members come from configuration only.
 */
public final class Cluster {
  /** Ports tried from {@code CLUSTER_PORT} upwards, for this member and when probing members. */
  public static final int PORT_COUNT = 20;

  private static final java.util.Map<Vertx, HazelcastClusterManager> MANAGERS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private Cluster() {}

  public static Future<Vertx> start(EngineConfig config, boolean clustered) {
    VertxOptions options = Metrics.vertxOptions(new VertxOptions());
    if (!clustered) {
      return Future.succeededFuture(Vertx.builder().with(options).withMetrics(Metrics.factory()).build());
    }
    String host = config.get("CLUSTER_HOST", "127.0.0.1");
    options.setEventBusOptions(new EventBusOptions().setHost(host).setPort(0));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    return Vertx.builder()
        .with(options)
        .withMetrics(Metrics.factory())
        .withClusterManager(manager)
        .buildClustered()
        .onSuccess(vertx -> MANAGERS.put(vertx, manager));
  }

  /** This node's cluster id, or {@code "local"} when not clustered. */
  public static String nodeId(Vertx vertx) {
    HazelcastClusterManager manager = MANAGERS.get(vertx);
    return manager == null ? "local" : manager.getNodeId();
  }

  /** The ids of every node of the cluster; just this one when not clustered. */
  public static java.util.List<String> members(Vertx vertx) {
    HazelcastClusterManager manager = MANAGERS.get(vertx);
    return manager == null ? java.util.List.of("local") : manager.getNodes();
  }

  /**
   * Withdraws this node's consumers of {@code address} from the cluster's routing while they stay
   * registered here: the other nodes stop sending to this one (within milliseconds, as their view
   * of the cluster updates) and what they sent meanwhile is still delivered, instead of being
   * dropped silently as a message reaching a node with no consumer is. For a graceful stop: then
   * unregister the consumers once the stragglers are served. Nothing to do when not clustered.
   */
  public static Future<Void> withdraw(Vertx vertx, String address) {
    HazelcastClusterManager manager = MANAGERS.get(vertx);
    if (manager == null) {
      return Future.succeededFuture();
    }
    String self = manager.getNodeId();
    io.vertx.core.Promise<java.util.List<io.vertx.core.spi.cluster.RegistrationInfo>> found = io.vertx.core.Promise.promise();
    manager.getRegistrations(address, found);
    return found.future().compose(list -> {
      java.util.List<Future<Void>> removed = new java.util.ArrayList<>();
      for (io.vertx.core.spi.cluster.RegistrationInfo r : list) {
        if (self.equals(r.nodeId()) && !r.localOnly()) {
          io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
          manager.removeRegistration(address, r, p);
          removed.add(p.future());
        }
      }
      return Future.all(removed).mapEmpty();
    });
  }

  public static Config hazelcastConfig(EngineConfig config) {
    String host = config.get("CLUSTER_HOST", "127.0.0.1");
    int port = config.getInt("CLUSTER_PORT");
    Config hz = new Config();
    hz.setClusterName(config.get("CLUSTER_NAME", "gtm"));
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(PORT_COUNT));
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a killed member is noticed in seconds, not the default minute
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");

    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
    if (host.matches("[0-9.]+")) {
      net.getInterfaces().setEnabled(true).addInterface(host);
    }
    net.setPublicAddress(null);
    hz.setProperty("hazelcast.local.localAddress", host);

    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (String member : config.getList("CLUSTER_MEMBERS")) {
      join.getTcpIpConfig().addMember(member);
    }

    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs")
        .setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    hz.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return hz;
  }
}
