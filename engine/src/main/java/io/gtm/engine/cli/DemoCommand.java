package io.gtm.engine.cli;

import io.gtm.common.config.EngineConfig;
import io.gtm.simulator.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * {@code demo}: the provider simulator and every service in this JVM, the real HTTP clients
 * pointed at the simulator, then a sample research batch and a sample book through the public
 * API, with progress and results printed. Exits 0 when both jobs finished.
 */
public final class DemoCommand {
  static final String GOAL = "Find B2B companies adopting Kubernetes and Snowflake that are hiring data or platform engineers";
  private static final String DEMO_KEY = "demo-simulated-key";

  private DemoCommand() {}

  /**
   * @param deploy deploys every service with the given config on the given Vert.x (the engine's own deployment)
   */
  public static int run(EngineConfig base, BiFunction<Vertx, EngineConfig, Future<Void>> deploy, PrintStream out) {
    Vertx vertx = Vertx.vertx();
    try {
      Simulator sim = Simulator.start(vertx, 0).await(30, TimeUnit.SECONDS);
      out.println("Provider simulator on " + sim.baseUrl() + " (OpenAI-compatible LLM, Tavily, NewsAPI, Greenhouse)");
      EngineConfig config = simulated(base, sim);
      deploy.apply(vertx, config).await(120, TimeUnit.SECONDS);
      String server = "http://127.0.0.1:" + config.get("HTTP_PORT");
      out.println("Engine serving on " + server + " (open it in a browser to watch)");
      ApiClient api = new ApiClient(vertx, server, Commands.apiKey(config));
      List<String> domains = ResearchCommand.readDomains(Commands.resource("domains.txt").lines().toList());
      new ResearchCommand(api, out).run(GOAL, domains, "standard").await(30, TimeUnit.MINUTES);
      out.println();
      Book book = book();
      new SummarizeCommand(vertx, api, out).run(book.title(), book.text()).await(60, TimeUnit.MINUTES);
      out.println();
      out.println("Demo finished.");
      return 0;
    } catch (Exception e) {
      System.err.println("demo failed: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  /** The configuration with every provider pointed at the simulator (unless the user set a real one). */
  static EngineConfig simulated(EngineConfig base, Simulator sim) {
    EngineConfig c = base;
    if (!base.isSet("LLM_PROVIDER") && !base.isSet("LLM_API_KEY")) {
      c = c.with("LLM_PROVIDER", "openai").with("LLM_BASE_URL", sim.openAiBaseUrl()).with("LLM_API_KEY", DEMO_KEY);
    }
    if (!base.isSet("TAVILY_API_KEY")) {
      c = c.with("TAVILY_BASE_URL", sim.baseUrl()).with("TAVILY_API_KEY", DEMO_KEY);
    }
    if (!base.isSet("NEWSAPI_KEY")) {
      c = c.with("NEWSAPI_BASE_URL", sim.baseUrl()).with("NEWSAPI_KEY", DEMO_KEY);
    }
    if (System.getenv("GREENHOUSE_BASE_URL") == null) {
      c = c.with("GREENHOUSE_BASE_URL", sim.baseUrl());
    }
    return c;
  }

  record Book(String title, String text) {}

  /** {@code GTM_DEMO_BOOK}, else Great Expectations from ../shared/corpus when present, else the bundled story. */
  static Book book() throws java.io.IOException {
    String env = System.getenv("GTM_DEMO_BOOK");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      return new Book(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/corpus/great-expectations.txt");
      if (Files.isRegularFile(candidate)) {
        return new Book("Great Expectations", Files.readString(candidate, StandardCharsets.UTF_8));
      }
    }
    return new Book("The Keeper of Gull Rock", Commands.resource("sample-book.txt"));
  }
}
