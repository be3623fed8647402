package io.gtm.summarizer;

import io.vertx.core.Future;

/** The cluster-wide LLM concurrency limit: one permit per LLM call, released when the call ends. */
interface LlmPermits {
  /** Completes with the release action once a permit is held. */
  Future<Runnable> acquire();

  void close();

  /** Only this process's slots limit the calls (one process, or no shared store reachable). */
  LlmPermits LOCAL = new LlmPermits() {
    @Override
    public Future<Runnable> acquire() {
      return Future.succeededFuture(() -> { });
    }

    @Override
    public void close() {
    }
  };
}
