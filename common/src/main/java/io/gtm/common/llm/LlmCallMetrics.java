package io.gtm.common.llm;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.resilience.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Records {@code gtm_llm_requests_total}, {@code gtm_llm_latency_seconds} and {@code gtm_llm_tokens_total} for one call. */
final class LlmCallMetrics {
  private LlmCallMetrics() {}

  static Future<LlmResponse> observe(String provider, String operation, Future<LlmResponse> call) {
    long start = System.nanoTime();
    return call.andThen(ar -> {
      String outcome = ar.succeeded() ? ProviderException.SUCCESS : ProviderException.outcomeOf(ar.cause());
      Counter.builder(MetricNames.LLM_REQUESTS).tag(MetricNames.TAG_PROVIDER, provider)
          .tag(MetricNames.TAG_OPERATION, operation).tag(MetricNames.TAG_OUTCOME, outcome)
          .register(Metrics.registry()).increment();
      Timer.builder(MetricNames.LLM_LATENCY).tag(MetricNames.TAG_PROVIDER, provider)
          .tag(MetricNames.TAG_OPERATION, operation).register(Metrics.registry())
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        Counter.builder(MetricNames.LLM_TOKENS).tag(MetricNames.TAG_PROVIDER, provider)
            .tag(MetricNames.TAG_DIRECTION, "prompt").register(Metrics.registry()).increment(ar.result().promptTokens());
        Counter.builder(MetricNames.LLM_TOKENS).tag(MetricNames.TAG_PROVIDER, provider)
            .tag(MetricNames.TAG_DIRECTION, "completion").register(Metrics.registry()).increment(ar.result().completionTokens());
      }
    });
  }

  /**
   * Tokens a call may use, as providers count TPM: prompt + max_tokens. The prompt estimate
   * (chars / 4) gets 10 % and a few tokens per message of headroom, so that the limiter does
   * not under-count what the provider counts.
   */
  static long tokenWeight(LlmRequest request) {
    return (long) Math.ceil(request.estimatedPromptTokens() * 1.1) + 8 + Math.max(0, request.maxTokens());
  }

  /** The failure an {@link LlmClient} reports: an {@link LlmException}, terminal when retrying cannot help. */
  static Throwable toLlmException(Throwable error) {
    if (error instanceof LlmException) {
      return error;
    }
    if (error instanceof ProviderException p) {
      return new ProviderLlmException(p);
    }
    return new LlmException(String.valueOf(error.getMessage()), false);
  }

  /** An LlmException that keeps the provider failure (outcome, status) for callers that want it. */
  static final class ProviderLlmException extends LlmException {
    private final ProviderException cause;

    ProviderLlmException(ProviderException cause) {
      super(cause.getMessage(), cause.terminal());
      this.cause = cause;
    }

    @Override
    public synchronized Throwable getCause() {
      return cause;
    }
  }
}
