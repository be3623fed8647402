package io.gtm.common.llm;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.offline.OfflineLlmClient;
import io.gtm.common.logging.Logging;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the LLM client the configuration asks for: {@code LLM_PROVIDER} (openai | gemini |
 * offline), wrapped in a {@link RoutedLlmClient} when {@code LLM_SECONDARY_PROVIDER} is set. A
 * provider whose key is missing becomes an {@link UnavailableLlmClient} (every call fails
 * terminal, naming the variable) with one WARNING line; nothing falls back to fake answers.
 */
public final class LlmClients {
  private static final Logger log = LoggerFactory.getLogger(LlmClients.class);
  /** Calls in flight per process and client, and the HTTP pool size behind them. */
  public static final int DEFAULT_MAX_CONCURRENCY = 64;
  /** Latency samples older than this are forgotten by the router. */
  public static final long ROUTE_SAMPLE_MAX_AGE_MS = 60_000;

  private LlmClients() {}

  public static LlmClient create(Vertx vertx, EngineConfig config) {
    LlmClient primary = primary(vertx, config);
    String secondaryName = config.get("LLM_SECONDARY_PROVIDER");
    if (secondaryName == null) {
      return primary;
    }
    LlmClient secondary = secondary(vertx, config, secondaryName.toLowerCase(Locale.ROOT), primary.provider());
    RouteSelector selector = new RouteSelector(config.getInt("LLM_ROUTE_P95_MS"),
        config.getInt("LLM_ROUTE_MIN_DWELL_S") * 1000L, ROUTE_SAMPLE_MAX_AGE_MS, System::currentTimeMillis);
    return new RoutedLlmClient(primary, breakerOf(primary), secondary, breakerOf(secondary), selector);
  }

  private static LlmClient primary(Vertx vertx, EngineConfig config) {
    String provider = config.llmProvider();
    return switch (provider) {
      case "gemini" -> gemini(vertx, config, "gemini", config.get("GEMINI_BASE_URL"), config.get("GEMINI_API_KEY"),
          "GEMINI_API_KEY", config.get("GEMINI_MODEL"));
      case "offline" -> new OfflineLlmClient();
      default -> openai(vertx, config, "openai", config.get("LLM_BASE_URL"), config.get("LLM_API_KEY"),
          "LLM_API_KEY", config.get("LLM_MODEL"));
    };
  }

  private static LlmClient secondary(Vertx vertx, EngineConfig config, String provider, String primaryName) {
    String name = provider.equals(primaryName) ? provider + "_secondary" : provider;
    String key = config.get("LLM_SECONDARY_API_KEY");
    return switch (provider) {
      case "gemini" -> gemini(vertx, config, name,
          config.get("LLM_SECONDARY_BASE_URL", config.get("GEMINI_BASE_URL")),
          key != null ? key : config.get("GEMINI_API_KEY"),
          "LLM_SECONDARY_API_KEY", config.get("LLM_SECONDARY_MODEL", config.get("GEMINI_MODEL")));
      case "offline" -> new OfflineLlmClient();
      default -> openai(vertx, config, name,
          config.get("LLM_SECONDARY_BASE_URL", config.get("LLM_BASE_URL")),
          key, "LLM_SECONDARY_API_KEY", config.get("LLM_SECONDARY_MODEL", config.get("LLM_MODEL")));
    };
  }

  private static LlmClient openai(Vertx vertx, EngineConfig config, String name, String baseUrl, String key,
                                  String keyVariable, String model) {
    if (key == null) {
      return unavailable(name, keyVariable);
    }
    Logging.registerSecrets(List.of(key));
    return new OpenAiClient(new ProviderGate(vertx, settings(config, name)), baseUrl, key, model, false);
  }

  private static LlmClient gemini(Vertx vertx, EngineConfig config, String name, String baseUrl, String key,
                                  String keyVariable, String model) {
    if (key == null) {
      return unavailable(name, keyVariable);
    }
    Logging.registerSecrets(List.of(key));
    return new GeminiClient(new ProviderGate(vertx, settings(config, name)), baseUrl, key, model);
  }

  private static ProviderSettings settings(EngineConfig config, String name) {
    return ProviderSettings.from(config, name, "LLM_RPM", "LLM_TPM", DEFAULT_MAX_CONCURRENCY);
  }

  private static LlmClient unavailable(String name, String keyVariable) {
    String reason = name + " unavailable: set " + keyVariable;
    log.warn(reason);
    return new UnavailableLlmClient(name, reason);
  }

  private static CircuitBreaker breakerOf(LlmClient client) {
    if (client instanceof OpenAiClient o) {
      return o.gate().breaker();
    }
    if (client instanceof GeminiClient g) {
      return g.gate().breaker();
    }
    return null;
  }
}
