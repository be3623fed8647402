package io.gtm.engine.documents;

import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.LlmResponse;
import io.gtm.common.llm.offline.OfflineLlmClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The offline provider seen through a recorder: every call counted by operation and by chapter
 * heading, the most calls in flight at once, an optional delay per call (so that a book takes
 * long enough to be interrupted) and an optional failure of every call. Shared by the Vert.x
 * instances of a restart test, so calls before and after the restart add up.
 */
final class RecordingLlm implements LlmClient {
  private final OfflineLlmClient offline = new OfflineLlmClient();
  final Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> byHeading = new ConcurrentHashMap<>();
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  volatile long delayMs;
  volatile boolean failAll;

  @Override
  public String provider() {
    return "offline";
  }

  @Override
  public Future<LlmResponse> complete(LlmRequest request) {
    calls.incrementAndGet();
    byOperation.computeIfAbsent(request.operation(), k -> new AtomicInteger()).incrementAndGet();
    byHeading.computeIfAbsent(request.input().getString("heading", ""), k -> new AtomicInteger()).incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    Vertx vertx = Vertx.currentContext().owner();
    Future<Void> wait = delayMs <= 0 ? Future.succeededFuture()
        : Future.future(p -> vertx.setTimer(delayMs, t -> p.complete()));
    return wait.compose(v -> failAll
            ? Future.<LlmResponse>failedFuture(new LlmException("HTTP 500 server_error", false))
            : offline.complete(request))
        .andThen(ar -> inFlight.decrementAndGet());
  }

  int count(String operation) {
    AtomicInteger n = byOperation.get(operation);
    return n == null ? 0 : n.get();
  }
}
