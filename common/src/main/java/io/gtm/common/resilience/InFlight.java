package io.gtm.common.resilience;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Units of work in flight in this process, by key. A unit asked for again while its first copy is
 * still running (a coordinator resends a search or an analysis after its deadline, while the first
 * copy waits for a provider's rate limit) joins the first copy's result instead of calling the
 * provider a second time. Nothing is kept once a unit completes: this is no cache, a later request
 * runs again. Thread-safe; the verticle instances of one process share one per name ({@link #named}).
 *
 * @param <K> the unit's key (a record: equal units, equal keys)
 * @param <V> its result
 */
public final class InFlight<K, V> {
  private static final Map<Vertx, Map<String, InFlight<?, ?>>> SHARED = Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<K, Future<V>> running = new ConcurrentHashMap<>();
  private final LongAdder joined = new LongAdder();

  /** The units of that name of this Vert.x instance (one process), created on first use. */
  @SuppressWarnings("unchecked")
  public static <K, V> InFlight<K, V> named(Vertx vertx, String name) {
    return (InFlight<K, V>) SHARED.computeIfAbsent(vertx, v -> new ConcurrentHashMap<>())
        .computeIfAbsent(name, n -> new InFlight<K, V>());
  }

  /** The result of the unit {@code key}: the running copy's if there is one, else {@code work}'s, started now. */
  public Future<V> run(K key, Supplier<Future<V>> work) {
    Promise<V> promise = Promise.promise();
    Future<V> first = running.putIfAbsent(key, promise.future());
    if (first != null) {
      joined.increment();
      return first;
    }
    Future<V> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      running.remove(key, promise.future());
      promise.handle(ar);
    });
    return promise.future();
  }

  /** Units running now. */
  public int size() {
    return running.size();
  }

  /** Requests that joined a running copy instead of starting one, since this process started. */
  public long joined() {
    return joined.sum();
  }
}
