package io.gtm.common.resilience;

import io.vertx.core.Future;

/**
 * A sliding-window rate limit: {@link #acquire(long)} completes when {@code weight} units
 * (1 for a request, the token estimate for a token limit) may be sent now, and counts them as
 * sent at that moment. Callers wait for capacity; they are never refused.
 */
public interface RateLimiter {
  Future<Void> acquire(long weight);

  /** No limit ({@code *_RPM=0}). */
  static RateLimiter unlimited() {
    return weight -> Future.succeededFuture();
  }
}
