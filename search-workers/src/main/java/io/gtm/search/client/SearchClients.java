package io.gtm.search.client;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.search.SearchClient;
import io.vertx.core.Vertx;
import java.util.Map;

/** The search client of each channel whose provider is configured, keyed by channel. */
public final class SearchClients {
  private SearchClients() {}

  public static Map<String, SearchClient> create(Vertx vertx, EngineConfig config) {
    return Map.of();
  }
}
