package io.gtm.summarizer;

import io.gtm.common.resilience.DistributedSemaphore;
import io.vertx.core.Future;

/** The cluster-wide LLM concurrency limit: one permit per LLM call, released when the call ends. */
interface LlmPermits {
  /** Completes with the release action once a permit is held. */
  Future<Runnable> acquire();

  /** True when another process waits for a permit: a held one should then be given back, not passed on. */
  boolean contended();

  /** Gives back every permit still held and stops renewing; completes once the shared store has them back. */
  Future<Void> close();

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
      public boolean contended() {
        return semaphore.othersWaiting();
      }

      @Override
      public Future<Void> close() {
        return semaphore.close();
      }
    };
  }
}
