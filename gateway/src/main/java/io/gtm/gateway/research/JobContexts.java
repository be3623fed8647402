package io.gtm.gateway.research;

import io.gtm.gateway.http.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The event-loop contexts research jobs are coordinated on: one per event loop of the process but
 * the one serving HTTP, so that a request (a liveness probe, a status poll, a WebSocket frame)
 * never waits behind the replies of thousands of searches. Jobs are spread over them in turn; each
 * job stays on the context it was created on (see {@link ResearchJob}). With a single event loop,
 * jobs share the HTTP one.
 */
final class JobContexts {
  private final Vertx vertx;
  private final List<Context> contexts;
  private final AtomicInteger next = new AtomicInteger();

  private JobContexts(Vertx vertx, List<Context> contexts) {
    this.vertx = vertx;
    this.contexts = List.copyOf(contexts);
  }

  /** Contexts on every event loop but {@code http}'s; completes on the calling context. */
  static Future<JobContexts> create(Vertx vertx, Context http) {
    return EventLoops.loopOf(vertx, http).compose(httpLoop -> EventLoops.contexts(vertx).map(byLoop -> {
      List<Context> chosen = new ArrayList<>();
      byLoop.forEach((loop, context) -> {
        if (loop != httpLoop) {
          chosen.add(context);
        }
      });
      if (chosen.isEmpty()) {
        chosen.add(http);
      }
      return new JobContexts(vertx, chosen);
    }));
  }

  /** How many contexts jobs are spread over. */
  int size() {
    return contexts.size();
  }

  /**
   * Runs {@code work} on the next job context; the returned future completes on the calling
   * context (so that the caller's own state is only ever touched there).
   */
  <T> Future<T> call(Supplier<Future<T>> work) {
    return EventLoops.onContext(vertx, contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size())), work);
  }
}
