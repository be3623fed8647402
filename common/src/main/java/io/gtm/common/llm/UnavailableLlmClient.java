package io.gtm.common.llm;

import io.vertx.core.Future;

/** A provider that cannot work (its key is missing): every call fails terminal with the reason. */
public final class UnavailableLlmClient implements LlmClient {
  private final String provider;
  private final String reason;

  public UnavailableLlmClient(String provider, String reason) {
    this.provider = provider;
    this.reason = reason;
  }

  @Override
  public String provider() {
    return provider;
  }

  /** One line naming the variable to set, e.g. {@code openai unavailable: set LLM_API_KEY}. */
  public String reason() {
    return reason;
  }

  @Override
  public Future<LlmResponse> complete(LlmRequest request) {
    return Future.failedFuture(new LlmException(reason, true));
  }
}
