package io.gtm.engine;

import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.ConfigException;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.logging.Logging;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.metrics.MetricsServer;
import io.gtm.simulator.SimulatorVerticle;
import io.gtm.gateway.GatewayVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command line: {@code java -jar engine.jar COMMAND ...}. */
public final class EngineMain {
  static final String USAGE = """
      Usage: java -jar engine.jar COMMAND [OPTIONS]

      Commands:
        all [--cluster]                         every service in one JVM, serving HTTP on HTTP_PORT (default)
        service NAME[,NAME...] [--instances N] [--cluster]
                                                run some services; NAME is one of
                                                gateway, query-generator, search-workers, analyzer, summarizer, db-writer
        demo                                    start the simulator and all services, research a sample batch,
                                                summarise a sample book, print progress and results, exit 0
        simulator [--port P]                    run the provider simulator alone (default port SIMULATOR_PORT, 9090)
        research --goal G --domains FILE [--server URL] [--depth D]
                                                research a list of domains on a running server, with a progress bar
        summarize FILE [--server URL]           summarise a plain-text book on a running server, with a progress bar
        --help                                  this text

      Options:
        --cluster                               join the Hazelcast cluster CLUSTER_NAME (members CLUSTER_MEMBERS)
        --instances N                           verticle instances per service (default 1)

      Configuration comes from environment variables (see README.md), optionally from the file CONFIG_FILE.
      """;

  private static final Logger log = LoggerFactory.getLogger(EngineMain.class);

  private EngineMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] argv) {
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("Run with --help for usage.");
      return 2;
    }
    if (args.help()) {
      System.out.print(USAGE);
      return 0;
    }
    EngineConfig config;
    try {
      config = EngineConfig.load();
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      return 2;
    }
    Logging.configure(config.get("LOG_FORMAT", "text"));
    Logging.registerSecrets(secrets(config));
    switch (args.command()) {
      case "all":
        Metrics.setService("all");
        return serve(config, new ArrayList<>(Services.ALL.keySet()), args);
      case "service":
        Metrics.setService(String.join(",", args.services()));
        return serve(config, args.services(), args);
      case "simulator":
        Metrics.setService("simulator");
        return simulator(config, args);
      case "demo":
        Metrics.setService("all");
        return io.gtm.engine.cli.DemoCommand.run(config,
            (vertx, cfg) -> deployAll(vertx, cfg, new ArrayList<>(Services.ALL.keySet()), 1), System.out);
      case "research":
        return io.gtm.engine.cli.Commands.research(config, args.server(), args.goal(), args.domains(), args.depth(),
            System.out);
      case "summarize":
        return io.gtm.engine.cli.Commands.summarize(config, args.server(), args.file(), System.out);
      default:
        System.err.println("error: unknown command '" + args.command() + "'");
        return 2;
    }
  }

  static List<String> secrets(EngineConfig config) {
    List<String> s = new ArrayList<>(config.getList("API_KEYS"));
    for (String key : List.of("LLM_API_KEY", "GEMINI_API_KEY", "TAVILY_API_KEY", "NEWSAPI_KEY", "LLM_SECONDARY_API_KEY")) {
      if (config.isSet(key)) {
        s.add(config.get(key));
      }
    }
    for (String key : List.of("DATABASE_URL", "REDIS_URL")) {
      String url = config.get(key);
      if (url != null && url.matches(".*//[^:/@]+:[^@/]+@.*")) {
        s.add(url.replaceAll(".*//[^:/@]+:([^@/]+)@.*", "$1"));
      }
    }
    return s;
  }

  private static int serve(EngineConfig config, List<String> services, Args args) {
    for (String name : services) {
      if (!Services.ALL.containsKey(name)) {
        System.err.println("error: unknown service '" + name + "'; one of " + Services.ALL.keySet());
        return 2;
      }
    }
    Vertx vertx;
    try {
      vertx = Cluster.start(config, args.cluster()).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("error: cannot start" + (args.cluster() ? " or join the cluster " + config.get("CLUSTER_NAME") : "")
          + ": " + e.getMessage());
      return 1;
    }
    try {
      Dependencies.probe(vertx, config, services.contains("db-writer"), true).await(10, TimeUnit.SECONDS);
      deployAll(vertx, config, services, args.instances()).await(120, TimeUnit.SECONDS);
      int metricsPort = config.getInt("METRICS_PORT");
      if (metricsPort > 0) {
        MetricsServer.start(vertx, metricsPort).await(10, TimeUnit.SECONDS);
        log.info("metrics on port {} (/metrics)", metricsPort);
      }
    } catch (Exception e) {
      System.err.println("error: deployment failed: " + e.getMessage());
      vertx.close();
      return 1;
    }
    log.info("engine started: services {} ({}), HTTP port {}", services,
        args.cluster() ? "cluster " + config.get("CLUSTER_NAME") + " as node " + Cluster.nodeId(vertx) : "one JVM",
        services.contains("gateway") ? config.get("HTTP_PORT") : "-");
    awaitShutdown(vertx);
    return 0;
  }

  static Future<Void> deployAll(Vertx vertx, EngineConfig config, List<String> services, int instances) {
    // one lag probe per event loop (Vert.x's default pool: 2 per core), read by the dashboards
    Future<Void> chain = vertx.deployVerticle(io.gtm.common.metrics.EventLoopProbe::new,
        new DeploymentOptions().setInstances(2 * Runtime.getRuntime().availableProcessors())).mapEmpty();
    // the event loops the other services' verticles run on: the gateway serves HTTP away from them where it can
    java.util.Collection<Thread> serviceLoops = new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (String name : services) {
      Supplier<? extends Deployable> factory = name.equals(GatewayVerticle.SERVICE)
          ? () -> new GatewayVerticle(serviceLoops) : recordingLoop(Services.ALL.get(name), serviceLoops);
      DeploymentOptions options = new DeploymentOptions().setConfig(config.toJson()).setInstances(instances);
      chain = chain.compose(v -> vertx.deployVerticle(factory, options)).map(id -> {
        DEPLOYED.add(0, id);
        return null;
      });
    }
    return chain;
  }

  /** Each verticle the factory makes adds the thread of its event loop to {@code loops} as it is deployed. */
  static Supplier<Deployable> recordingLoop(Supplier<? extends Deployable> factory, java.util.Collection<Thread> loops) {
    return () -> {
      Deployable service = factory.get();
      return new Deployable() {
        @Override
        public Future<?> deploy(Context context) throws Exception {
          if (Vertx.currentContext() == context) {
            loops.add(Thread.currentThread());
          } else {
            context.runOnContext(v -> loops.add(Thread.currentThread()));
          }
          return service.deploy(context);
        }

        @Override
        public Future<?> undeploy(Context context) throws Exception {
          return service.undeploy(context);
        }
      };
    };
  }

  /** Deployment ids of the services, last deployed first: the order of a graceful stop. */
  private static final List<String> DEPLOYED = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Undeploys the services one at a time in reverse order of deployment: the gateway first (it
   * stops taking work and hands its research jobs back while db-writer still stores), db-writer
   * last (it flushes what every other service sent).
   */
  private static Future<Void> undeployInOrder(Vertx vertx) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : DEPLOYED) {
      chain = chain.compose(v -> vertx.undeploy(id).recover(err -> Future.succeededFuture()));
    }
    return chain;
  }

  private static int simulator(EngineConfig config, Args args) {
    EngineConfig cfg = args.port() != null ? config.with("SIMULATOR_PORT", args.port()) : config;
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new SimulatorVerticle(),
              new DeploymentOptions().setConfig(new io.vertx.core.json.JsonObject().put("port", cfg.getInt("SIMULATOR_PORT"))))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("error: simulator failed to start: " + e.getMessage());
      vertx.close();
      return 1;
    }
    log.info("simulator listening on port {}", cfg.get("SIMULATOR_PORT"));
    awaitShutdown(vertx);
    return 0;
  }

  /**
   * Blocks until SIGTERM/SIGINT, then closes Vert.x: verticles are undeployed, the cluster is left.
   * A clean stop exits 0 (the JVM would otherwise report 143 for SIGTERM).
   */
  private static void awaitShutdown(Vertx vertx) {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      String name = EngineMain.class.getName();
      Logging.direct(java.util.logging.Level.INFO, name, "shutting down: undeploying services, leaving the cluster");
      boolean clean = true;
      try {
        long t0 = System.nanoTime();
        undeployInOrder(vertx).await(25, TimeUnit.SECONDS);
        vertx.close().await(Math.max(5, 30 - (System.nanoTime() - t0) / 1_000_000_000L), TimeUnit.SECONDS);
        Logging.direct(java.util.logging.Level.INFO, name, "stopped");
      } catch (Exception e) {
        clean = false;
        Logging.direct(java.util.logging.Level.WARNING, name, "shutdown did not complete cleanly: " + e.getMessage());
      }
      done.countDown();
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(clean ? 0 : 1);
    }, "engine-shutdown"));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Parsed command line. */
  record Args(String command, List<String> services, boolean cluster, int instances, String port,
              String goal, String domains, String server, String depth, String file, boolean help) {

    static Args parse(String[] argv) {
      String command = null;
      List<String> services = new ArrayList<>();
      boolean cluster = false;
      boolean help = false;
      int instances = 1;
      String port = null, goal = null, domains = null, server = null, depth = null, file = null;
      for (int i = 0; i < argv.length; i++) {
        String a = argv[i];
        switch (a) {
          case "--help", "-h", "help" -> help = true;
          case "--cluster" -> cluster = true;
          case "--instances" -> {
            String v = value(argv, ++i, a);
            try {
              instances = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--instances expects a whole number, got '" + v + "'");
            }
            if (instances < 1 || instances > 64) {
              throw new IllegalArgumentException("--instances must be between 1 and 64");
            }
          }
          case "--port" -> port = value(argv, ++i, a);
          case "--goal" -> goal = value(argv, ++i, a);
          case "--domains" -> domains = value(argv, ++i, a);
          case "--server" -> server = value(argv, ++i, a);
          case "--depth" -> depth = value(argv, ++i, a);
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + a);
            }
            if (command == null) {
              command = a;
            } else if ("service".equals(command) && services.isEmpty()) {
              services.addAll(List.of(a.split(",")));
            } else if (file == null) {
              file = a;
            } else {
              throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
          }
        }
      }
      if (command == null) {
        command = help ? "help" : "all";
      }
      if ("service".equals(command) && services.isEmpty() && !help) {
        throw new IllegalArgumentException("service needs a NAME");
      }
      if (!List.of("all", "service", "demo", "simulator", "research", "summarize", "help").contains(command)) {
        throw new IllegalArgumentException("unknown command '" + command + "'");
      }
      return new Args(command, services, cluster, instances, port, goal, domains, server, depth, file, help);
    }

    private static String value(String[] argv, int i, String option) {
      if (i >= argv.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return argv[i];
    }
  }
}
