package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Services of the engine jar, each as its own OS process ({@code service NAME --cluster}), joined
 * to a Hazelcast cluster of their own (unique name, a free block of ports) and writing to a
 * PostgreSQL database of their own, created empty for the test: the fault scenarios kill, stop and
 * start these processes one by one.
 */
final class ServiceCluster implements AutoCloseable {
  /** One service process; {@code restart} gives a new process with the same name, services and environment. */
  static final class Node {
    final String name;
    final String services;
    final Map<String, String> env;
    volatile EngineProcess process;
    final List<EngineProcess> history = new CopyOnWriteArrayList<>();

    Node(String name, String services, Map<String, String> env) {
      this.name = name;
      this.services = services;
      this.env = env;
    }

    /** The gateway's API base URL (gateways only). */
    String api() {
      return "http://127.0.0.1:" + env.get("HTTP_PORT");
    }

    boolean alive() {
      return process != null && process.process.isAlive();
    }
  }

  final String database;
  final Map<String, String> env;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();

  private ServiceCluster(String database, Map<String, String> env) {
    this.database = database;
    this.env = env;
  }

  /**
   * A cluster environment whose providers are the simulator, on a new empty database
   * {@code gtm_f2_<tag>} (dropped first: documents left in work by an earlier killed run would be
   * taken over).
   */
  static ServiceCluster create(Simulator sim, String tag) throws Exception {
    String database = "gtm_f2_" + tag;
    String drop = Harness.sql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    String create = Harness.sql("postgres", "CREATE DATABASE " + database);
    assertThat(create).as("create database %s (drop said: %s)", database, drop).isEqualTo("CREATE DATABASE");
    Map<String, String> env = Harness.env(sim, 0, tag);
    env.remove("HTTP_PORT");
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + database);
    int base = TestPorts.freeBlock(20);
    env.put("CLUSTER_PORT", String.valueOf(base));
    // every port a member may take: a restarted process may come back on another one
    env.put("CLUSTER_MEMBERS", IntStream.range(0, 12).mapToObj(i -> "127.0.0.1:" + (base + i))
        .collect(Collectors.joining(",")));
    env.put("METRICS_PORT", "0");
    return new ServiceCluster(database, env);
  }

  /** Declares a process running {@code services} (comma-separated), with extra environment; not started. */
  Node node(String name, String services, Map<String, String> extra) {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(extra);
    if (services.contains("gateway") && !e.containsKey("HTTP_PORT")) {
      e.put("HTTP_PORT", String.valueOf(TestPorts.free()));
    }
    Node n = new Node(name, services, e);
    nodes.add(n);
    return n;
  }

  Node node(String name, String services) {
    return node(name, services, Map.of());
  }

  /** Starts every given node at once and waits until each has joined and deployed its services. */
  void start(Node... toStart) throws Exception {
    for (Node n : toStart) {
      launch(n);
    }
    for (Node n : toStart) {
      awaitStartedOrRetry(n);
    }
    awaitFormed();
  }

  /**
   * Until every live gateway sees every live process as a member and reaches db-writer: on a busy
   * machine a member that missed heartbeats can be dropped and merged back, and work sent meanwhile
   * finds no handler.
   */
  void awaitFormed() throws Exception {
    int alive = (int) nodes.stream().filter(Node::alive).count();
    for (Node g : nodes) {
      if (!g.alive() || !g.services.contains("gateway")) {
        continue;
      }
      boolean withWriter = nodes.stream().anyMatch(x -> x.alive() && x.services.contains("db-writer"));
      Harness.await(g.name + " sees " + alive + " members" + (withWriter ? " and db-writer" : ""), Duration.ofSeconds(120),
          () -> {
            String body = Harness.text(g.api() + "/health/ready");
            try {
              int members = -1;
              boolean postgres = false;
              for (Object o : new io.vertx.core.json.JsonObject(body).getJsonArray("checks")) {
                io.vertx.core.json.JsonObject c = (io.vertx.core.json.JsonObject) o;
                if ("cluster".equals(c.getString("id"))) {
                  members = c.getJsonObject("data").getJsonArray("members").size();
                } else if ("postgres".equals(c.getString("id"))) {
                  postgres = "UP".equals(c.getString("status"));
                }
              }
              return members == alive && (postgres || !withWriter);
            } catch (RuntimeException e) {
              return false;
            }
          });
    }
  }

  /** A gateway whose HTTP port was taken meanwhile (by any process of the machine) is started again on another. */
  private void awaitStartedOrRetry(Node n) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        awaitStarted(n);
        return;
      } catch (AssertionError e) {
        boolean portTaken = !n.process.process.isAlive() && n.process.output().contains("Address already in use");
        if (!portTaken || attempt == 3 || !n.services.contains("gateway")) {
          throw e;
        }
        n.env.put("HTTP_PORT", String.valueOf(TestPorts.free()));
        launch(n);
      }
    }
  }

  private void launch(Node n) throws Exception {
    assertThat(n.alive()).as("%s already running", n.name).isFalse();
    EngineProcess p = EngineProcess.start(n.name, n.env, "service", n.services, "--cluster");
    // a test JVM stopped from outside runs no finally block: never leave a process behind
    Runtime.getRuntime().addShutdownHook(new Thread(p.process::destroyForcibly));
    n.process = p;
    n.history.add(p);
  }

  /** Until the process logged that its services are deployed (joined, consumers registered), and a gateway answers. */
  private void awaitStarted(Node n) throws Exception {
    EngineProcess p = n.process;
    Harness.await(n.name + " started (log " + p.log + ")", Duration.ofSeconds(180), () -> {
      if (!p.process.isAlive()) {
        throw new AssertionError(n.name + " exited with " + p.process.exitValue() + ": " + tail(p, 3000));
      }
      return p.output().contains("engine started:");
    });
    if (n.services.contains("gateway")) {
      Harness.await(n.name + " /health/live", Duration.ofSeconds(60), () -> Harness.status(n.api() + "/health/live") == 200);
    }
  }

  /** kill -9. */
  void kill(Node n) throws Exception {
    n.process.process.destroyForcibly();
    assertThat(n.process.process.waitFor(30, TimeUnit.SECONDS)).as("%s killed", n.name).isTrue();
  }

  /** SIGTERM, then waits for a clean exit (code 0); returns how long the stop took, in ms. */
  long stop(Node n) throws Exception {
    long t0 = System.nanoTime();
    n.process.process.destroy();
    assertThat(n.process.process.waitFor(60, TimeUnit.SECONDS)).as("%s stopped within 60 s, log %s", n.name, n.process.log)
        .isTrue();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(n.process.process.exitValue()).as("%s exit code, log %s", n.name, n.process.log).isZero();
    return ms;
  }

  /** A new process for the node (after a kill or a stop); returns how long it took to be up, in ms. */
  long startAgain(Node n) throws Exception {
    long t0 = System.nanoTime();
    launch(n);
    awaitStartedOrRetry(n);
    awaitFormed();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Every log of every process, for assertion messages. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      for (EngineProcess p : n.history) {
        sb.append("\n--- ").append(n.name).append(' ').append(p.log).append('\n').append(tail(p, 4000));
      }
    }
    return sb.toString();
  }

  static String tail(EngineProcess p, int chars) {
    String out = p.output();
    return out.length() <= chars ? out : out.substring(out.length() - chars);
  }

  /** One value from the cluster's database. */
  String sql(String query) throws Exception {
    return Harness.sql(database, query);
  }

  int count(String query) throws Exception {
    String v = sql(query);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new AssertionError("not a count: " + v + " (" + query + ")");
    }
  }

  /** The count once it reaches {@code expected}, or what it is after {@code timeout} (rows stored behind a job). */
  int awaitCount(String query, int expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int n = count(query);
    while (n < expected && System.nanoTime() < deadline) {
      Thread.sleep(200); // polling with a deadline
      n = count(query);
    }
    return n;
  }

  /** SIGTERM to every live process (they stop in parallel), then kill -9 what is left. */
  @Override
  public void close() throws Exception {
    List<EngineProcess> live = new ArrayList<>();
    for (Node n : nodes) {
      for (EngineProcess p : n.history) {
        if (p.process.isAlive()) {
          p.process.destroy();
          live.add(p);
        }
      }
    }
    for (EngineProcess p : live) {
      p.process.waitFor(30, TimeUnit.SECONDS);
      p.close();
    }
  }
}
