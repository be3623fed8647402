package io.gtm.common.resilience;

import io.vertx.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The last {@link #SIZE} call outcomes of one provider in this process. A failure counts towards
 * opening the provider's breaker only while at least 60 % of these recent calls failed: a provider
 * that is down (every call failing) opens its breaker after {@code BREAKER_MAX_FAILURES} failures
 * as before, but one that merely fails some of its calls (20 % 5xx) is retried, not shut off for
 * {@code BREAKER_RESET_MS} by a chance run of failures.
 */
public final class OutcomeWindow {
  public static final int SIZE = 50;
  private static final Map<CircuitBreaker, OutcomeWindow> BY_BREAKER = new WeakHashMap<>();

  OutcomeWindow() {}

  private final boolean[] failed = new boolean[SIZE];
  private int next;
  private int filled;
  private int failures;

  /** The window of one breaker (a provider's, shared by its gates in this process; a new breaker starts empty). */
  public static OutcomeWindow of(CircuitBreaker breaker) {
    synchronized (BY_BREAKER) {
      return BY_BREAKER.computeIfAbsent(breaker, b -> new OutcomeWindow());
    }
  }

  /** Records one outcome; true when it is a failure and at least 60 % of the recent outcomes failed. */
  public synchronized boolean record(boolean failure) {
    if (filled == SIZE && failed[next]) {
      failures--;
    }
    failed[next] = failure;
    if (failure) {
      failures++;
    }
    next = (next + 1) % SIZE;
    filled = Math.min(SIZE, filled + 1);
    return failure && failures * 5 >= filled * 3;
  }
}
