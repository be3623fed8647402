package io.gtm.gateway.security;

import io.gtm.analyzer.AnalyzerVerticle;
import io.gtm.common.config.EngineConfig;
import io.gtm.dbwriter.DbWriterVerticle;
import io.gtm.gateway.GatewayVerticle;
import io.gtm.querygen.QueryGeneratorVerticle;
import io.gtm.search.SearchWorkersVerticle;
import io.gtm.simulator.Simulator;
import io.gtm.summarizer.SummarizerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Every service in one Vert.x for the security tests: the provider simulator, db-writer on the
 * real PostgreSQL, query-generator, search-workers, analyzer, summarizer (offline LLM) and the
 * gateway on a free port.
 */
final class SecurityStack {
  final Vertx vertx;
  final Simulator simulator;
  final GatewayVerticle gateway;

  private SecurityStack(Vertx vertx, Simulator simulator, GatewayVerticle gateway) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.gateway = gateway;
  }

  static Future<SecurityStack> start(Vertx vertx, Map<String, String> overrides) {
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
      DeploymentOptions opts = new DeploymentOptions().setConfig(EngineConfig.of(env).toJson());
      GatewayVerticle gateway = new GatewayVerticle();
      return vertx.deployVerticle(new DbWriterVerticle(), opts)
          .compose(x -> vertx.deployVerticle(new QueryGeneratorVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new SearchWorkersVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new AnalyzerVerticle(), opts))
          .compose(x -> vertx.deployVerticle(new SummarizerVerticle(), opts))
          .compose(x -> vertx.deployVerticle(gateway, opts))
          .map(x -> new SecurityStack(vertx, sim, gateway));
    });
  }

  int port() {
    return gateway.actualPort();
  }

  /** The owner identity the gateway derives from an API key (SHA-256 hex). */
  static String ownerOf(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
