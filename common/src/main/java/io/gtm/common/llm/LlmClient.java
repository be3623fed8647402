package io.gtm.common.llm;

import io.vertx.core.Future;

/**
 * An LLM provider: OpenAI-compatible, Gemini native, or the offline provider. Implementations
 * are non-blocking, enforce their own rate limits, timeouts, retries and breaker, and fail
 * with {@link LlmException} once a call is given up.
 */
public interface LlmClient {

  /** {@code openai}, {@code gemini} or {@code offline}: the {@code provider} metrics label. */
  String provider();

  Future<LlmResponse> complete(LlmRequest request);
}
