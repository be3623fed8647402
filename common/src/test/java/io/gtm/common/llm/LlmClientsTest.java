package io.gtm.common.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.offline.OfflineLlmClient;
import io.gtm.simulator.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LlmClientsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static LlmRequest request() {
    return LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, "s", "Summarize: One sentence here.", new JsonObject(), 50);
  }

  @Test
  void aMissingKeyMakesTheProviderUnavailableNamingTheVariable() {
    LlmClient openai = LlmClients.create(vertx, EngineConfig.of(Map.of("LLM_PROVIDER", "openai")));
    assertThatThrownBy(() -> openai.complete(request()).await(5, TimeUnit.SECONDS))
        .isInstanceOf(LlmException.class).hasMessage("openai unavailable: set LLM_API_KEY")
        .satisfies(e -> assertThat(((LlmException) e).terminal()).isTrue());
    LlmClient gemini = LlmClients.create(vertx, EngineConfig.of(Map.of("LLM_PROVIDER", "gemini")));
    assertThatThrownBy(() -> gemini.complete(request()).await(5, TimeUnit.SECONDS))
        .hasMessage("gemini unavailable: set GEMINI_API_KEY");
  }

  @Test
  void theConfiguredProvidersAreBuilt() {
    assertThat(LlmClients.create(vertx, EngineConfig.of(Map.of()))).isInstanceOf(OfflineLlmClient.class);
    assertThat(LlmClients.create(vertx, EngineConfig.of(Map.of("LLM_API_KEY", "sk-abcdefgh"))))
        .isInstanceOf(OpenAiClient.class);
    assertThat(LlmClients.create(vertx, EngineConfig.of(Map.of("LLM_PROVIDER", "gemini", "GEMINI_API_KEY", "k-abcdefgh"))))
        .isInstanceOf(GeminiClient.class);
    LlmClient routed = LlmClients.create(vertx, EngineConfig.of(Map.of("LLM_API_KEY", "sk-abcdefgh",
        "LLM_SECONDARY_PROVIDER", "gemini", "GEMINI_API_KEY", "k-abcdefgh")));
    assertThat(routed).isInstanceOf(RoutedLlmClient.class);
    assertThat(((RoutedLlmClient) routed).secondary()).isInstanceOf(GeminiClient.class);
  }

  @Test
  void workMovesToTheSecondaryWhenThePrimaryBreakerIsOpen() throws Exception {
    Simulator sim = Simulator.start(vertx, 0).await(10, TimeUnit.SECONDS);
    sim.configure("openai", new JsonObject().put("terminal_quota", true));
    LlmClient routed = LlmClients.create(vertx, EngineConfig.of(Map.of(
        "LLM_PROVIDER", "openai", "LLM_BASE_URL", sim.openAiBaseUrl(), "LLM_API_KEY", "sk-abcdefgh",
        "LLM_SECONDARY_PROVIDER", "gemini", "LLM_SECONDARY_BASE_URL", sim.baseUrl(),
        "LLM_SECONDARY_API_KEY", "g-abcdefgh", "CLUSTER_NAME", "t" + UUID.randomUUID())));
    assertThatThrownBy(() -> routed.complete(request()).await(10, TimeUnit.SECONDS))
        .hasMessageContaining("insufficient_quota");
    LlmResponse r = routed.complete(request()).await(10, TimeUnit.SECONDS);
    assertThat(r.provider()).isEqualTo("gemini");
    assertThat(sim.stats("openai").getLong("requests_total")).isEqualTo(1);
  }
}
