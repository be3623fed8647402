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
import java.util.HashMap;
import java.util.Map;

/**
 * The research pipeline for tests: the provider simulator, db-writer on the real PostgreSQL,
 * query-generator, search-workers, analyzer (offline LLM, or {@code LLM_PROVIDER=openai}: the
 * simulator's OpenAI-compatible endpoint) and the gateway on a free port.
 */
public final class ResearchStack {
  public final Vertx vertx;
  public final Simulator simulator;
  public final GatewayVerticle gateway;
  public final EngineConfig config;

  private ResearchStack(Vertx vertx, Simulator simulator, GatewayVerticle gateway, EngineConfig config) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.gateway = gateway;
    this.config = config;
  }

  public static Future<ResearchStack> start(Vertx vertx, Map<String, String> overrides) {
    return Simulator.start(vertx, 0).compose(sim -> {
      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", "0");
      env.put("LLM_PROVIDER", "offline");
      env.put("TAVILY_BASE_URL", sim.baseUrl());
      env.put("TAVILY_API_KEY", "tvly-test");
      env.put("NEWSAPI_BASE_URL", sim.baseUrl());
      env.put("NEWSAPI_KEY", "news-test");
      env.put("GREENHOUSE_BASE_URL", sim.baseUrl());
      env.put("PROVIDER_MAX_RETRIES", "1");
      env.put("DB_BATCH_MS", "20");
      env.putAll(overrides);
      if ("openai".equals(env.get("LLM_PROVIDER")) && !overrides.containsKey("LLM_BASE_URL")) {
        env.put("LLM_BASE_URL", sim.openAiBaseUrl());
        env.putIfAbsent("LLM_API_KEY", "sk-test");
      }
      EngineConfig cfg = EngineConfig.of(env);
      DeploymentOptions opts = new DeploymentOptions().setConfig(cfg.toJson());
      GatewayVerticle gateway = new GatewayVerticle();
      return vertx.deployVerticle(new DbWriterVerticle(), opts)
          .compose(x -> vertx.deployVerticle(new QueryGeneratorVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new SearchWorkersVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new AnalyzerVerticle(), opts))
          .compose(x -> vertx.deployVerticle(gateway, opts))
          .map(x -> new ResearchStack(vertx, sim, gateway, cfg));
    });
  }

  public int port() {
    return gateway.actualPort();
  }
}
