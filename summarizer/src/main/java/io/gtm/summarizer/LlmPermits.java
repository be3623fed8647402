package io.gtm.summarizer;

import io.gtm.common.resilience.DistributedSemaphore;
import io.vertx.core.Future;

/** The cluster-wide LLM concurrency limit: one permit per LLM call, released when the call ends. */
interface LlmPermits {
  /** Completes with the release action once a permit is held. */
  Future<Runnable> acquire();

  void close();

  /**
   * The cluster's semaphore in Redis (leases that expire with a dead process; per-process limit,
   * with one warning, while Redis is unreachable).
   */
  static LlmPermits distributed(DistributedSemaphore semaphore) {
    return new LlmPermits() {
      @Override
      public Future<Runnable> acquire() {
        return semaphore.acquire().map(permit -> permit::onIgnore);
      }

      @Override
      public void close() {
        semaphore.close();
      }
    };
  }
}
