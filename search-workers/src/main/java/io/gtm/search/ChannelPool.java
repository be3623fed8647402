package io.gtm.search;

import io.gtm.common.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The searches of one channel in flight at once. Its limit is the {@code max_parallel_searches} of
 * the job whose task arrived last; a call beyond it waits in FIFO order. One pool per channel per
 * Vert.x instance, i.e. per process (shared by verticle instances, hence synchronized; a test's
 * closed Vert.x takes its pools, and any calls it abandoned, with it), exported as
 * {@code gtm_pool_in_flight{pool}} and {@code gtm_pool_limit{pool}} (the latest pool of that name).
 */
public final class ChannelPool {
  /** The pool of channels that have none of their own. */
  public static final String DEFAULT = "default";
  private static final Map<Vertx, Map<String, ChannelPool>> POOLS = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<String, ChannelPool> LATEST = new ConcurrentHashMap<>();

  /** Calls started in a row on one thread by finished ones (beyond it, through the task queue: no deep stacks). */
  private static final int MAX_HANDOVER_DEPTH = 4;
  private static final ThreadLocal<int[]> HANDOVER_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final String name;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int limit;
  private int inFlight;
  private long busyNanos;

  private ChannelPool(String name, int limit) {
    this.name = name;
    this.limit = limit;
  }

  /** The pool of that name of this Vert.x instance, created (with its gauges) on first use. */
  public static ChannelPool named(Vertx vertx, String name, int initialLimit, MeterRegistry registry) {
    Map<String, ChannelPool> pools = POOLS.computeIfAbsent(vertx, v -> new ConcurrentHashMap<>());
    return pools.computeIfAbsent(name, n -> {
      ChannelPool pool = new ChannelPool(n, initialLimit);
      LATEST.put(n, pool);
      // registered once per registry and name; the gauges read whichever pool is the latest
      Gauge.builder(MetricNames.POOL_IN_FLIGHT, () -> LATEST.get(n).inFlight())
          .tag(MetricNames.TAG_POOL, n).strongReference(true).register(registry);
      Gauge.builder(MetricNames.POOL_LIMIT, () -> LATEST.get(n).limit())
          .tag(MetricNames.TAG_POOL, n).strongReference(true).register(registry);
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
   * The call starts on the caller's event loop: at once when a slot is handed over on that thread
   * (a finished call starting the next waiting one), else through the caller context's task queue.
   */
  public <T> Future<T> submit(Vertx vertx, int limit, Supplier<Future<T>> call) {
    Context ctx = vertx.getOrCreateContext();
    // the caller's event-loop thread: each bus message has a context of its own (a duplicate of the
    // verticle's), so a finished call releases its slot on the same thread but another context
    Thread loop = ctx.isEventLoopContext() && Context.isOnEventLoopThread() ? Thread.currentThread() : null;
    Promise<T> promise = Promise.promise();
    Runnable start = () -> {
      long slotTaken = System.nanoTime();
      Runnable go = () -> {
        Future<T> f;
        try {
          f = call.get();
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
          release(slotTaken);
          promise.handle(ar);
        });
      };
      int[] depth = HANDOVER_DEPTH.get();
      if ((Vertx.currentContext() == ctx || Thread.currentThread() == loop) && depth[0] < MAX_HANDOVER_DEPTH) {
        // a queued task waits behind everything else on a busy event loop with the slot idle (60 ms
        // on average on the loaded benchmark machine, 7 % of the makespan); on the same thread it
        // starts at once, under the finished call's context (same event loop, so no concurrency)
        depth[0]++;
        try {
          go.run();
        } finally {
          depth[0]--;
        }
      } else {
        ctx.runOnContext(v -> go.run());
      }
    };
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

  /** Seconds the pool's slots were held, summed over calls (from a slot's handover to its release). */
  public synchronized double busySeconds() {
    return busyNanos / 1e9;
  }

  private void release(long slotTaken) {
    Runnable next;
    synchronized (this) {
      busyNanos += System.nanoTime() - slotTaken;
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
