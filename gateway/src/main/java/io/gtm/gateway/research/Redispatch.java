package io.gtm.gateway.research;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit of work (one search, one analysis) sent to whichever worker of its address is alive, with
 * a deadline. When no answer comes (the worker died with the unit, or none is registered while a
 * service restarts), the unit is sent again: a timed-out unit up to {@link #TIMEOUT_ATTEMPTS}
 * times, each attempt with twice the deadline of the one before, a unit with no worker to take it
 * for up to {@link #NO_HANDLER_WAIT_MS}. Units are
 * idempotent by key (the result row of a domain), so one done twice is stored once. A worker's own
 * failure answer is final here (the worker has retried the provider already).
 */
final class Redispatch {
  private static final Logger log = LoggerFactory.getLogger(Redispatch.class);
  static final int TIMEOUT_ATTEMPTS = 3;
  static final long NO_HANDLER_WAIT_MS = 120_000;

  private Redispatch() {}

  /**
   * The reply body of {@code body} sent to {@code address}.
   *
   * @param deadlineMs how long one attempt may take
   * @param abandoned  true once the job no longer wants the answer (no more attempts then)
   */
  static Future<JsonObject> request(Vertx vertx, String address, JsonObject body, long deadlineMs, BooleanSupplier abandoned) {
    return attempt(vertx, address, body, deadlineMs, abandoned, 1, System.currentTimeMillis());
  }

  private static Future<JsonObject> attempt(Vertx vertx, String address, JsonObject body, long deadlineMs,
                                            BooleanSupplier abandoned, int attempt, long since) {
    // each attempt waits twice as long as the one before: a unit that is only slow (queued behind a
    // provider's rate limit on a busy worker) is not sent again and again
    long attemptDeadline = deadlineMs << Math.min(attempt - 1, 4);
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(attemptDeadline))
        .map(m -> m.body())
        .recover(err -> {
          ReplyFailure kind = err instanceof ReplyException re ? re.failureType() : null;
          boolean again = !abandoned.getAsBoolean() && (
              (kind == ReplyFailure.TIMEOUT || kind == ReplyFailure.ERROR) && attempt < TIMEOUT_ATTEMPTS
              || kind == ReplyFailure.NO_HANDLERS && System.currentTimeMillis() - since < NO_HANDLER_WAIT_MS);
          if (!again) {
            return Future.failedFuture(err);
          }
          long backoff = kind == ReplyFailure.NO_HANDLERS ? 1_000 : 200L * attempt;
          log.info("{} unanswered ({}), sending it again in {} ms (attempt {})", address, err.getMessage(), backoff, attempt + 1);
          Promise<JsonObject> next = Promise.promise();
          vertx.setTimer(backoff, t -> attempt(vertx, address, body, deadlineMs, abandoned, attempt + 1, since).onComplete(next));
          return next.future();
        });
  }
}
