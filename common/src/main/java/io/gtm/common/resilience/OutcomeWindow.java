package io.gtm.common.resilience;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@link #SIZE} call outcomes of one provider in this process. A failure counts towards
 * opening the provider's breaker only while at least 60 % of these recent calls failed: a provider
 * that is down (every call failing) opens its breaker after {@code BREAKER_MAX_FAILURES} failures
 * as before, but one that merely fails some of its calls (20 % 5xx) is retried, not shut off for
 * {@code BREAKER_RESET_MS} by a chance run of failures.
 */
public final class OutcomeWindow {
  public static final int SIZE = 50;
  private static final Map<String, OutcomeWindow> BY_PROVIDER = new ConcurrentHashMap<>();

  OutcomeWindow() {}

  private final boolean[] failed = new boolean[SIZE];
  private int next;
  private int filled;
  private int failures;

  /** The window of {@code provider} in this process (shared like its breaker). */
  public static OutcomeWindow of(String provider) {
    return BY_PROVIDER.computeIfAbsent(provider, p -> new OutcomeWindow());
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
