package io.gtm.common.llm;

import io.gtm.common.resilience.ProviderException;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary LLM with a secondary that work moves to when the primary's breaker opens or its
 * p95 latency passes {@code LLM_ROUTE_P95_MS}, and back once the primary recovers, with at
 * least {@code LLM_ROUTE_MIN_DWELL_S} on a provider ({@link RouteSelector}). A call refused by
 * an open breaker is tried once on the other provider.
 */
public final class RoutedLlmClient implements LlmClient {
  private static final Logger log = LoggerFactory.getLogger(RoutedLlmClient.class);

  private final LlmClient primary;
  private final LlmClient secondary;
  private final CircuitBreaker primaryBreaker;
  private final CircuitBreaker secondaryBreaker;
  private final RouteSelector selector;
  private volatile boolean lastOnSecondary;

  /** Breakers may be null (a provider without one, e.g. offline, is never open). */
  public RoutedLlmClient(LlmClient primary, CircuitBreaker primaryBreaker, LlmClient secondary,
                         CircuitBreaker secondaryBreaker, RouteSelector selector) {
    this.primary = primary;
    this.secondary = secondary;
    this.primaryBreaker = primaryBreaker;
    this.secondaryBreaker = secondaryBreaker;
    this.selector = selector;
  }

  @Override
  public String provider() {
    return primary.provider();
  }

  public LlmClient primary() {
    return primary;
  }

  public LlmClient secondary() {
    return secondary;
  }

  public RouteSelector selector() {
    return selector;
  }

  @Override
  public Future<LlmResponse> complete(LlmRequest request) {
    boolean toSecondary = selector.useSecondary(isOpen(primaryBreaker), isOpen(secondaryBreaker));
    if (toSecondary != lastOnSecondary) {
      lastOnSecondary = toSecondary;
      log.warn("LLM work moves to {} ({}): primary p95 {} ms, breaker {}",
          toSecondary ? secondary.provider() : primary.provider(), toSecondary ? "secondary" : "primary",
          selector.primaryP95(), primaryBreaker == null ? "none" : primaryBreaker.state());
    }
    return call(toSecondary, request).recover(err -> {
      if (refused(err)) {
        return call(!toSecondary, request);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<LlmResponse> call(boolean toSecondary, LlmRequest request) {
    if (toSecondary) {
      return secondary.complete(request);
    }
    long start = System.nanoTime();
    return primary.complete(request).andThen(ar -> {
      if (ar.succeeded() || !refused(ar.cause())) {
        selector.recordPrimaryLatency((System.nanoTime() - start) / 1_000_000);
      }
    });
  }

  private static boolean refused(Throwable err) {
    Throwable cause = err.getCause();
    return cause instanceof ProviderException p && ProviderException.REJECTED.equals(p.outcome());
  }

  private static boolean isOpen(CircuitBreaker breaker) {
    return breaker != null && breaker.state() == CircuitBreakerState.OPEN;
  }
}
