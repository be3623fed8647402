package io.gtm.search.client;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.logging.Logging;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.gtm.common.search.SearchClient;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search client of each channel whose provider is configured, keyed by channel:
 * {@code google_search} -> Tavily (TAVILY_API_KEY), {@code news_search} -> NewsAPI (NEWSAPI_KEY),
 * {@code jobs_search} -> Greenhouse (no key). A channel whose key is missing is absent, with one
 * line naming the variable.
 */
public final class SearchClients {
  private static final Logger log = LoggerFactory.getLogger(SearchClients.class);

  private SearchClients() {}

  public static Map<String, SearchClient> create(Vertx vertx, EngineConfig config) {
    int concurrency = config.getInt("MAX_PARALLEL_SEARCHES_CAP");
    Map<String, SearchClient> clients = new LinkedHashMap<>();
    String tavilyKey = config.get("TAVILY_API_KEY");
    if (tavilyKey == null) {
      log.warn("tavily unavailable: set TAVILY_API_KEY");
    } else {
      Logging.registerSecrets(List.of(tavilyKey));
      clients.put(TavilyClient.CHANNEL, new TavilyClient(gate(vertx, config, "tavily", "TAVILY_RPM", concurrency),
          config.get("TAVILY_BASE_URL"), tavilyKey));
    }
    String newsKey = config.get("NEWSAPI_KEY");
    if (newsKey == null) {
      log.warn("newsapi unavailable: set NEWSAPI_KEY");
    } else {
      Logging.registerSecrets(List.of(newsKey));
      clients.put(NewsApiClient.CHANNEL, new NewsApiClient(gate(vertx, config, "newsapi", "NEWSAPI_RPM", concurrency),
          config.get("NEWSAPI_BASE_URL"), newsKey));
    }
    clients.put(GreenhouseClient.CHANNEL, new GreenhouseClient(
        gate(vertx, config, "greenhouse", "GREENHOUSE_RPM", concurrency), config.get("GREENHOUSE_BASE_URL")));
    return clients;
  }

  private static ProviderGate gate(Vertx vertx, EngineConfig config, String provider, String rpmKey, int concurrency) {
    return new ProviderGate(vertx, ProviderSettings.from(config, provider, rpmKey, null, concurrency));
  }
}
