package io.gtm.search;

import io.gtm.common.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The searches of one channel in flight at once. Its limit is the {@code max_parallel_searches} of
 * the job whose task arrived last; a call beyond it waits in FIFO order. One pool per channel per
 * process (shared by verticle instances, hence synchronized), exported as
 * {@code gtm_pool_in_flight{pool}} and {@code gtm_pool_limit{pool}}.
 */
public final class ChannelPool {
  /** The pool of channels that have none of their own. */
  public static final String DEFAULT = "default";
  private static final Map<String, ChannelPool> POOLS = new ConcurrentHashMap<>();

  private final String name;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int limit;
  private int inFlight;

  private ChannelPool(String name, int limit) {
    this.name = name;
    this.limit = limit;
  }

  /** The process-wide pool of that name, created (with its gauges) on first use. */
  public static ChannelPool named(String name, int initialLimit, MeterRegistry registry) {
    return POOLS.computeIfAbsent(name, n -> {
      ChannelPool pool = new ChannelPool(n, initialLimit);
      Gauge.builder(MetricNames.POOL_IN_FLIGHT, pool, ChannelPool::inFlight)
          .tag(MetricNames.TAG_POOL, n).register(registry);
      Gauge.builder(MetricNames.POOL_LIMIT, pool, ChannelPool::limit)
          .tag(MetricNames.TAG_POOL, n).register(registry);
      return pool;
    });
  }

  /** The default pool's size for a job whose channels get {@code n}: max(n/4, 2). */
  public static int defaultLimit(int n) {
    return Math.max(n / 4, 2);
  }

  public String name() {
    return name;
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int limit() {
    return limit;
  }

  public synchronized int waiting() {
    return waiting.size();
  }

  /**
   * Runs {@code call} once the pool has room, with {@code limit} as the pool's size from now on.
   * The call starts on the caller's context.
   */
  public <T> Future<T> submit(Vertx vertx, int limit, Supplier<Future<T>> call) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    Runnable start = () -> ctx.runOnContext(v -> {
      Future<T> f;
      try {
        f = call.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        release();
        promise.handle(ar);
      });
    });
    boolean now;
    synchronized (this) {
      this.limit = Math.max(1, limit);
      now = inFlight < this.limit;
      if (now) {
        inFlight++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return promise.future();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = inFlight <= limit ? waiting.poll() : null;
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
