package io.gtm.common.resilience;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool's concurrency limit: {@link #acquire()} completes (first come, first served) once fewer
 * than {@link Limit#current()} calls hold a permit. Waiting is a queued promise, never a loop.
 * Thread-safe; a waiter is resumed on the context it called from.
 */
public final class ConcurrencyLimiter {
  private final Vertx vertx;
  private final String name;
  private final Limit limit;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int inFlight;

  private record Waiter(Promise<Permit> promise, Context context) {}

  public ConcurrencyLimiter(Vertx vertx, String name, Limit limit) {
    this.vertx = vertx;
    this.name = name;
    this.limit = limit;
  }

  /** Registers {@code gtm_pool_in_flight{pool}} and {@code gtm_pool_limit{pool}} for this limiter. */
  public ConcurrencyLimiter withGauges() {
    Gauge.builder(MetricNames.POOL_IN_FLIGHT, this, ConcurrencyLimiter::inFlight)
        .tag(MetricNames.TAG_POOL, name).strongReference(true).register(Metrics.registry());
    Gauge.builder(MetricNames.POOL_LIMIT, this, l -> l.limit.current())
        .tag(MetricNames.TAG_POOL, name).strongReference(true).register(Metrics.registry());
    return this;
  }

  public String name() {
    return name;
  }

  public Future<Permit> acquire() {
    synchronized (this) {
      if (waiters.isEmpty() && inFlight < limit.current()) {
        inFlight++;
        return Future.succeededFuture(new LimiterPermit(inFlight));
      }
      Promise<Permit> promise = Promise.promise();
      waiters.addLast(new Waiter(promise, vertx.getOrCreateContext()));
      return promise.future();
    }
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int waiting() {
    return waiters.size();
  }

  public int limit() {
    return limit.current();
  }

  private void release(boolean dropped, boolean sample, int inFlightAtStart) {
    if (sample) {
      limit.onSample(dropped, inFlightAtStart);
    }
    java.util.List<Waiter> resume = new java.util.ArrayList<>();
    synchronized (this) {
      inFlight--;
      while (!waiters.isEmpty() && inFlight < limit.current()) {
        inFlight++;
        resume.add(waiters.pollFirst());
      }
    }
    for (Waiter w : resume) {
      LimiterPermit p = new LimiterPermit(inFlight());
      w.context().runOnContext(v -> w.promise().complete(p));
    }
  }

  private final class LimiterPermit implements Permit {
    private final AtomicBoolean released = new AtomicBoolean();
    private final int inFlightAtStart;

    LimiterPermit(int inFlightAtStart) {
      this.inFlightAtStart = inFlightAtStart;
    }

    @Override
    public void onSuccess() {
      if (released.compareAndSet(false, true)) {
        release(false, true, inFlightAtStart);
      }
    }

    @Override
    public void onDropped() {
      if (released.compareAndSet(false, true)) {
        release(true, true, inFlightAtStart);
      }
    }

    @Override
    public void onIgnore() {
      if (released.compareAndSet(false, true)) {
        release(false, false, inFlightAtStart);
      }
    }
  }
}
