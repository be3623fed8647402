package io.gtm.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The event-bus consumers of a worker service (searches, analyses), with a count of the requests
 * being worked on, so that a graceful stop first stops taking work, then answers what it holds.
 * {@link #drain(long)} withdraws the consumers from the cluster's routing (the other processes of
 * the service get the new requests) while they stay registered here, serves what was already on
 * its way here, waits until every request in flight is answered or the grace is over, then
 * unregisters them; a request still unanswered then is left to its sender's deadline (it sends it
 * again). Unregistering at once would lose the requests a sender routed here before it learned of
 * it: a message reaching a node with no consumer of its address is dropped without an answer.
 * Handlers run on the caller's context; {@code handler} returns a future that completes once the
 * request is answered.
 */
public final class WorkIntake {
  /** How long a withdrawn process keeps serving after the last request that still reached it (cluster views catch up in ms). */
  public static final long SETTLE_MS = 500;

  private final Vertx vertx;
  private final String service;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();
  private int inFlight;
  private boolean draining;
  private long answeredWhileDraining;
  private long arrivedWhileDraining;
  private long lastArrivalNs;

  public WorkIntake(Vertx vertx, String service) {
    this.vertx = vertx;
    this.service = service;
  }

  /** Registers {@code handler} on {@code address}, counting each request until its future completes. */
  public <T> Future<Void> consumer(String address, Function<Message<T>, Future<?>> handler) {
    MessageConsumer<T> c = vertx.eventBus().consumer(address, counted(handler));
    consumers.add(c);
    addresses.add(address);
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
      if (draining) {
        arrivedWhileDraining++;
        lastArrivalNs = System.nanoTime();
      }
      Future<?> answered;
      try {
        answered = handler.apply(msg);
      } catch (RuntimeException e) {
        answered = Future.failedFuture(e);
      }
      answered.onComplete(ar -> {
        inFlight--;
        if (draining) {
          answeredWhileDraining++;
        }
      });
    };
  }

  /**
   * Stops taking work and completes once every request in flight is answered and none has arrived
   * for {@link #SETTLE_MS} since the withdrawal, or after {@code graceMs}, whichever is first; the
   * consumers are unregistered then. Never fails.
   */
  public Future<Void> drain(long graceMs) {
    long t0 = System.nanoTime();
    draining = true;
    say("%s stopping: no new work taken, %d request(s) in flight answered first (at most %d ms)", service, inFlight, graceMs);
    List<Future<Void>> withdrawals = new ArrayList<>();
    for (String address : addresses) {
      withdrawals.add(Cluster.withdraw(vertx, address));
    }
    long settleMs = vertx.isClustered() ? SETTLE_MS : 0;
    Promise<Void> done = Promise.promise();
    long grace = vertx.setTimer(Math.max(1, graceMs), t -> done.tryComplete());
    Future.join(withdrawals).onComplete(ar -> {
      if (ar.failed()) {
        say("%s: not withdrawn from the cluster's routing (%s), unregistering after the work in flight", service,
            ar.cause().getMessage());
      }
      lastArrivalNs = Math.max(lastArrivalNs, System.nanoTime());
      long check = vertx.setPeriodic(50, t -> {
        if (inFlight == 0 && System.nanoTime() - lastArrivalNs >= settleMs * 1_000_000) {
          done.tryComplete();
        }
      });
      done.future().onComplete(v -> vertx.cancelTimer(check));
    });
    return done.future()
        .compose(v -> {
          vertx.cancelTimer(grace);
          List<Future<Void>> gone = new ArrayList<>();
          consumers.forEach(c -> gone.add(c.unregister()));
          return Future.join(gone).<Void>mapEmpty().otherwiseEmpty();
        })
        .onComplete(v -> say("%s stopped taking work in %d ms: %d request(s) answered while stopping, %d left unanswered"
                + " (their senders send them again); %d arrived after the stop began", service,
            (System.nanoTime() - t0) / 1_000_000, answeredWhileDraining, inFlight, arrivedWhileDraining));
  }

  /** A line of the stop, written directly: during a JVM shutdown the JDK resets the loggers, which would drop it. */
  private static void say(String format, Object... args) {
    io.gtm.common.logging.Logging.direct(java.util.logging.Level.INFO, WorkIntake.class.getName(),
        String.format(java.util.Locale.ROOT, format, args));
  }
}
