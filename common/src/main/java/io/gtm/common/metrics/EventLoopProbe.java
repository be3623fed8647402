package io.gtm.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how late a periodic timer fires on this verticle's event loop: anything that blocks
 * the loop shows up as lag. Deploy one instance per event loop; {@code gtm_event_loop_lag_seconds}
 * reports the worst lag any loop saw over the last period.
 */
public final class EventLoopProbe extends VerticleBase {
  public static final String METRIC = "gtm.event.loop.lag";
  static final long PERIOD_MS = 100;
  private static final AtomicLong WORST_NANOS = new AtomicLong();
  private static volatile boolean registered;
  private long timerId;
  private long expected;

  @Override
  public Future<?> start() {
    registerGauge();
    expected = System.nanoTime() + PERIOD_MS * 1_000_000;
    timerId = vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.nanoTime();
      long lag = Math.max(0, now - expected);
      expected = now + PERIOD_MS * 1_000_000;
      WORST_NANOS.accumulateAndGet(lag, Math::max);
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private static synchronized void registerGauge() {
    if (!registered) {
      // read-and-reset: each scrape sees the worst lag since the previous one
      Gauge.builder(METRIC, () -> WORST_NANOS.getAndSet(0) / 1e9)
          .baseUnit("seconds")
          .description("Worst lateness of a 100 ms timer on any event loop since the last scrape")
          .register(Metrics.registry());
      registered = true;
    }
  }
}
