package io.gtm.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus consumers of a worker service (searches, analyses), with a count of the requests
 * being worked on, so that a graceful stop first stops taking work, then answers what it holds.
 * {@link #drain(long)} unregisters the consumers (the cluster then routes new requests to the other
 * processes of the service), waits until every request in flight is answered or the grace is over,
 * and completes; a request still unanswered then is left to its sender's deadline (it sends it
 * again). A request the cluster routed here before it learned of the unregistration would be
 * dropped silently by the event bus (a remote message with no handler here gets no answer): while
 * draining, a local-only consumer of the same address serves such stragglers.
 * Handlers run on the caller's context; {@code handler} returns a future that completes once the
 * request is answered.
 */
public final class WorkIntake {
  private static final Logger log = LoggerFactory.getLogger(WorkIntake.class);
  /** Least time a draining process keeps serving stragglers after it unregistered (cluster views catch up in ms). */
  public static final long SETTLE_MS = 300;

  private final Vertx vertx;
  private final String service;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Runnable> stragglerConsumers = new ArrayList<>();
  private int inFlight;
  private long answeredWhileDraining;
  private Promise<Void> idle;

  public WorkIntake(Vertx vertx, String service) {
    this.vertx = vertx;
    this.service = service;
  }

  /** Registers {@code handler} on {@code address}, counting each request until its future completes. */
  public <T> Future<Void> consumer(String address, Function<Message<T>, Future<?>> handler) {
    MessageConsumer<T> c = vertx.eventBus().consumer(address, counted(handler));
    consumers.add(c);
    stragglerConsumers.add(() -> vertx.eventBus().localConsumer(address, counted(handler)));
    return c.completion();
  }

  /**
   * The stop grace of a service: {@code key} from the deployment config or the environment, else
   * {@code fallback}; a bad value fails the deployment naming the key.
   */
  public static long graceMs(io.gtm.common.config.EngineConfig config, String key, long fallback) {
    String v = config.get(key, System.getenv(key));
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long ms = Long.parseLong(v.trim());
      if (ms < 0) {
        throw new io.gtm.common.config.ConfigException(key, "must not be negative, got '" + v + "'");
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new io.gtm.common.config.ConfigException(key, "expected a whole number of milliseconds, got '" + v + "'");
    }
  }

  /** Requests being worked on. */
  public int inFlight() {
    return inFlight;
  }

  private <T> io.vertx.core.Handler<Message<T>> counted(Function<Message<T>, Future<?>> handler) {
    return msg -> {
      inFlight++;
      Future<?> answered;
      try {
        answered = handler.apply(msg);
      } catch (RuntimeException e) {
        answered = Future.failedFuture(e);
      }
      answered.onComplete(ar -> {
        inFlight--;
        if (idle != null) {
          answeredWhileDraining++;
          if (inFlight == 0) {
            idle.tryComplete();
          }
        }
      });
    };
  }

  /**
   * Stops taking work and completes once every request in flight is answered (and at least
   * {@link #SETTLE_MS} passed), or after {@code graceMs}, whichever is first. Never fails.
   */
  public Future<Void> drain(long graceMs) {
    long t0 = System.nanoTime();
    int held = inFlight;
    idle = Promise.promise();
    if (vertx.isClustered()) {
      stragglerConsumers.forEach(Runnable::run);
    }
    List<Future<Void>> gone = new ArrayList<>();
    for (MessageConsumer<?> c : consumers) {
      gone.add(c.unregister());
    }
    log.info("{} stopping: no new work taken, {} request(s) in flight answered first (at most {} ms)", service, held, graceMs);
    Promise<Void> settled = Promise.promise();
    vertx.setTimer(vertx.isClustered() ? SETTLE_MS : 1, t -> settled.complete());
    if (inFlight == 0) {
      idle.tryComplete();
    }
    Promise<Void> done = Promise.promise();
    long grace = vertx.setTimer(Math.max(1, graceMs), t -> done.tryComplete());
    Future.join(gone).transform(x -> Future.all(settled.future(), idle.future())).onComplete(ar -> {
      vertx.cancelTimer(grace);
      done.tryComplete();
    });
    return done.future().onComplete(v -> log.info("{} stopped taking work in {} ms: {} request(s) answered while stopping,"
        + " {} left unanswered (their senders send them again)", service, (System.nanoTime() - t0) / 1_000_000,
        answeredWhileDraining, inFlight));
  }
}
