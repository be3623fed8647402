package io.gtm.common.resilience;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's circuit breakers, one per provider (vertx-circuit-breaker), and the
 * {@code gtm_breaker_state{name}} gauge of each: 0 closed, 1 half-open, 2 open. The gateway's
 * {@code /health/ready} adds a check {@code provider.<name>} per entry of {@link #all()}.
 */
public final class Breakers {
  private static final Logger log = LoggerFactory.getLogger(Breakers.class);
  private static final Map<String, Entry> BREAKERS = new ConcurrentHashMap<>();
  private static final java.util.Set<String> GAUGES = ConcurrentHashMap.newKeySet();

  private record Entry(Vertx vertx, CircuitBreaker breaker) {}

  private Breakers() {}

  /**
   * The breaker of {@code provider} in this process, created on first use: opens after
   * {@code maxFailures} failures, half-opens after {@code resetMs}. Timeouts are enforced by the
   * caller ({@link ProviderGate}), so the breaker's own timeout is off. A breaker made on another
   * (closed) Vert.x instance is replaced.
   */
  public static CircuitBreaker forProvider(Vertx vertx, String provider, int maxFailures, long resetMs) {
    Entry e = BREAKERS.compute(provider, (name, old) -> {
      if (old != null && old.vertx() == vertx) {
        return old;
      }
      CircuitBreaker b = CircuitBreaker.create(name, vertx, new CircuitBreakerOptions()
          .setMaxFailures(maxFailures).setResetTimeout(resetMs).setTimeout(-1).setMaxRetries(0));
      b.openHandler(v -> log.warn("breaker {} open: calls fail fast for {} ms", name, resetMs))
          .halfOpenHandler(v -> log.info("breaker {} half-open: probing", name))
          .closeHandler(v -> log.info("breaker {} closed", name));
      return new Entry(vertx, b);
    });
    registerGauge(provider);
    return e.breaker();
  }

  /** Every provider breaker of this process, by provider name. */
  public static Map<String, CircuitBreaker> all() {
    Map<String, CircuitBreaker> out = new TreeMap<>();
    BREAKERS.forEach((k, v) -> out.put(k, v.breaker()));
    return Collections.unmodifiableMap(out);
  }

  /** 0 closed, 1 half-open, 2 open: the gauge's value. */
  public static int stateValue(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  private static void registerGauge(String provider) {
    if (!GAUGES.add(provider)) {
      return; // the gauge reads whichever breaker is current
    }
    Gauge.builder(MetricNames.BREAKER_STATE, () -> {
      Entry e = BREAKERS.get(provider);
      return e == null ? 0 : stateValue(e.breaker().state());
    }).tag(MetricNames.TAG_NAME, provider).strongReference(true).register(Metrics.registry());
    // readiness check provider.<name>: DOWN while the breaker is open
    io.gtm.common.metrics.ReadinessChecks.register("provider." + provider, () -> {
      Entry e = BREAKERS.get(provider);
      CircuitBreakerState state = e == null ? CircuitBreakerState.CLOSED : e.breaker().state();
      return new io.vertx.core.json.JsonObject().put("status", state == CircuitBreakerState.OPEN ? "DOWN" : "UP")
          .put("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .put("failures", e == null ? 0 : e.breaker().failureCount());
    });
  }
}
