package io.gtm.common.resilience;

import java.util.ArrayDeque;

/**
 * An in-memory sliding-window log: at most {@code limit} units (requests or tokens) granted in any
 * window of {@code windowMs}. Pure logic with the time passed in, so tests drive it with exact
 * numbers; the per-process fallback of {@link RedisRateLimiter}. Not thread-safe: callers lock.
 */
public final class SlidingWindow {
  private final long limit;
  private final long windowMs;
  private final ArrayDeque<long[]> grants = new ArrayDeque<>(); // {time, weight}, oldest first
  private long used;

  public SlidingWindow(long limit, long windowMs) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    if (windowMs <= 0) {
      throw new IllegalArgumentException("windowMs must be positive, got " + windowMs);
    }
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /**
   * Grants {@code weight} units at {@code nowMs} and returns 0, or grants nothing and returns the
   * milliseconds until enough units have left the window. A weight above the limit is granted
   * once the window is empty (it could never fit otherwise).
   */
  public long tryAcquire(long nowMs, long weight) {
    expire(nowMs);
    if (used + weight <= limit || used == 0) {
      grants.addLast(new long[] {nowMs, weight});
      used += weight;
      return 0;
    }
    long need = used + weight - limit;
    long freed = 0;
    for (long[] g : grants) {
      freed += g[1];
      if (freed >= need) {
        return Math.max(1, g[0] + windowMs - nowMs);
      }
    }
    // only a weight above the limit gets here: it waits for the window to empty
    return Math.max(1, grants.peekLast()[0] + windowMs - nowMs);
  }

  /** Units granted in the window ending at {@code nowMs}. */
  public long used(long nowMs) {
    expire(nowMs);
    return used;
  }

  private void expire(long nowMs) {
    // an entry granted at t counts in every window (now - windowMs, now] that contains t
    while (!grants.isEmpty() && grants.peekFirst()[0] <= nowMs - windowMs) {
      used -= grants.pollFirst()[1];
    }
  }
}
