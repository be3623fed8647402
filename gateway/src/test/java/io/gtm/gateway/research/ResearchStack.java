package io.gtm.gateway.research;

import io.gtm.analyzer.AnalyzerVerticle;
import io.gtm.common.config.EngineConfig;
import io.gtm.dbwriter.DbWriterVerticle;
import io.gtm.gateway.GatewayVerticle;
import io.gtm.querygen.QueryGeneratorVerticle;
import io.gtm.search.SearchWorkersVerticle;
import io.gtm.simulator.Simulator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The research pipeline for tests and the benchmark, in one Vert.x: the provider simulator,
 * db-writer on the real PostgreSQL, query-generator, search-workers with the real search clients
 * (Tavily, NewsAPI and Greenhouse pointed at the simulator, keys set), analyzer, and the gateway on
 * a free port. The LLM is either {@code offline} or {@code openai} pointed at the simulator's
 * {@code /v1}.
 */
public final class ResearchStack {
  static final List<String> SIMULATED = List.of("tavily", "newsapi", "greenhouse", "openai");

  public final Vertx vertx;
  public final Simulator simulator;
  public final GatewayVerticle gateway;
  public final EngineConfig config;
  /** The db-writer's deployment (a test may undeploy it: the store away). */
  public final String dbWriter;

  private ResearchStack(Vertx vertx, Simulator simulator, GatewayVerticle gateway, EngineConfig config, String dbWriter) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.gateway = gateway;
    this.config = config;
    this.dbWriter = dbWriter;
  }

  /** The offline LLM, a 3 ms constant provider latency. */
  public static Future<ResearchStack> start(Vertx vertx, Map<String, String> overrides) {
    return start(vertx, "offline", 3, overrides);
  }

  /**
   * @param llm       {@code offline} or {@code openai} (the simulator's OpenAI-compatible API)
   * @param latencyMs every simulated provider's constant latency
   * @param overrides configuration keys; a null value unsets the key (e.g. a missing API key)
   */
  public static Future<ResearchStack> start(Vertx vertx, String llm, long latencyMs, Map<String, String> overrides) {
    JsonObject providers = new JsonObject();
    for (String p : SIMULATED) {
      providers.put(p, new JsonObject().put("latency_median_ms", latencyMs).put("latency_p99_ms", latencyMs));
    }
    return Simulator.start(vertx, new JsonObject().put("port", 0).put("providers", providers)).compose(sim -> {
      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", "0");
      env.put("LLM_PROVIDER", llm);
      if (llm.equals("openai")) {
        env.put("LLM_BASE_URL", sim.openAiBaseUrl());
        env.put("LLM_API_KEY", "sk-test");
      }
      env.put("TAVILY_BASE_URL", sim.baseUrl());
      env.put("TAVILY_API_KEY", "tvly-test");
      env.put("NEWSAPI_BASE_URL", sim.baseUrl());
      env.put("NEWSAPI_KEY", "news-test");
      env.put("GREENHOUSE_BASE_URL", sim.baseUrl());
      env.put("PROVIDER_MAX_RETRIES", "1");
      env.put("DB_BATCH_MS", "20");
      env.put("API_JOBS_PER_MINUTE", "1000");
      // a scope of its own: no other test's unfinished runs are taken over by this stack
      env.put("CLUSTER_NAME", "research-test-" + java.util.UUID.randomUUID());
      // no provider rate limits: they are shared through Redis by every engine (and test) on this machine
      for (String rpm : List.of("TAVILY_RPM", "NEWSAPI_RPM", "GREENHOUSE_RPM", "LLM_RPM")) {
        env.put(rpm, "0");
      }
      env.putAll(overrides);
      env.values().removeIf(v -> v == null);
      EngineConfig cfg = EngineConfig.of(env);
      DeploymentOptions opts = new DeploymentOptions().setConfig(cfg.toJson());
      GatewayVerticle gateway = new GatewayVerticle();
      String[] dbWriter = new String[1];
      return vertx.deployVerticle(new DbWriterVerticle(), opts)
          .compose(id -> {
            dbWriter[0] = id;
            return vertx.deployVerticle(new QueryGeneratorVerticle(), opts);
          })
          .compose(x -> vertx.deployVerticle(new SearchWorkersVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new AnalyzerVerticle(), opts))
          .compose(x -> vertx.deployVerticle(gateway, opts))
          .map(x -> new ResearchStack(vertx, sim, gateway, cfg, dbWriter[0]));
    });
  }

  public int port() {
    return gateway.actualPort();
  }
}
