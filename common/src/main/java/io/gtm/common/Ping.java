package io.gtm.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;

/** Every service answers {@code ping.<service>} with its name, process id and cluster node. */
public final class Ping {
  private Ping() {}

  public static Future<Void> register(Vertx vertx, String service) {
    long pid = ProcessHandle.current().pid();
    String jvm = ManagementFactory.getRuntimeMXBean().getName();
    return vertx.eventBus().<JsonObject>consumer(Addresses.ping(service), msg -> {
      String node = io.gtm.common.cluster.Cluster.nodeId(vertx);
      msg.reply(new JsonObject().put("service", service).put("pid", pid).put("jvm", jvm).put("node", node));
    }).completion();
  }
}
