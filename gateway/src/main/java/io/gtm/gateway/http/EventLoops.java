package io.gtm.gateway.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Event-loop contexts the gateway places its work on, so that the loop serving HTTP does nothing
 * else. Contexts are made the public way: a thread that is not Vert.x's gets a new event-loop
 * context from {@link Vertx#getOrCreateContext()}, on the next event loop of the pool; a context
 * is known by the thread of its loop.
 */
public final class EventLoops {
  private EventLoops() {}

  /**
   * One context per event loop of the process, by the loop's thread; completes on the calling
   * context. Twice the default pool size is asked for, which covers every loop of it.
   */
  public static Future<Map<Thread, Context>> contexts(Vertx vertx) {
    Context caller = vertx.getOrCreateContext();
    int candidates = 2 * VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    List<Future<Map.Entry<Thread, Context>>> made = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      Promise<Map.Entry<Thread, Context>> p = Promise.promise();
      Thread maker = new Thread(() -> {
        try {
          Context c = vertx.getOrCreateContext();
          c.runOnContext(v -> p.complete(Map.entry(Thread.currentThread(), c)));
        } catch (RuntimeException e) {
          p.fail(e);
        }
      }, "gtm-context-maker-" + i);
      maker.setDaemon(true);
      maker.start();
      made.add(p.future());
    }
    Promise<Map<Thread, Context>> result = Promise.promise();
    Future.join(made).onComplete(ar -> caller.runOnContext(v -> {
      Map<Thread, Context> byLoop = new LinkedHashMap<>();
      for (Future<Map.Entry<Thread, Context>> f : made) {
        if (f.succeeded()) {
          byLoop.putIfAbsent(f.result().getKey(), f.result().getValue());
        }
      }
      result.complete(byLoop);
    }));
    return result.future();
  }

  /** The thread of {@code context}'s event loop; completes on the calling context. */
  public static Future<Thread> loopOf(Vertx vertx, Context context) {
    return onContext(vertx, context, () -> Future.succeededFuture(Thread.currentThread()));
  }

  /** Runs {@code work} on {@code target}; the returned future completes on the calling context. */
  public static <T> Future<T> onContext(Vertx vertx, Context target, Supplier<Future<T>> work) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> result = Promise.promise();
    target.runOnContext(v -> {
      Future<T> f;
      try {
        f = work.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> caller.runOnContext(x -> result.handle(ar)));
    });
    return result.future();
  }
}
