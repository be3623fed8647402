package io.gtm.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code API_JOBS_PER_MINUTE}: how many jobs one caller (API key, or client address when the API is
 * open) may start in any sliding 60 s window. Every route that starts a job calls
 * {@link HttpSupport#acquireJobSlot(RoutingContext)} (or {@link #acquire(String)}) before starting
 * it; beyond the quota it throws a {@link RetryAfterException} (429 with {@code Retry-After}).
 *
 * <p>Counts are per gateway process. Thread-safe; the clock is injectable for tests.
 */
public final class JobQuota {
  public static final long WINDOW_MS = 60_000;
  /** Routing-context key under which the gateway exposes its quota to route handlers. */
  public static final String CONTEXT_KEY = "gtm.jobQuota";

  private final int perMinute;
  private final LongSupplier clockMs;
  private final Map<String, Deque<Long>> starts = new HashMap<>();
  private long lastSweep;

  public JobQuota(int perMinute) {
    this(perMinute, System::currentTimeMillis);
  }

  public JobQuota(int perMinute, LongSupplier clockMs) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("API_JOBS_PER_MINUTE must be positive, got " + perMinute);
    }
    this.perMinute = perMinute;
    this.clockMs = clockMs;
  }

  public int perMinute() {
    return perMinute;
  }

  /** Counts one job start for {@code owner}, or throws {@link RetryAfterException} when over the quota. */
  public synchronized void acquire(String owner) {
    long now = clockMs.getAsLong();
    sweep(now);
    Deque<Long> q = starts.computeIfAbsent(owner, k -> new ArrayDeque<>());
    while (!q.isEmpty() && q.peekFirst() <= now - WINDOW_MS) {
      q.pollFirst();
    }
    if (q.size() >= perMinute) {
      long waitMs = q.peekFirst() + WINDOW_MS - now;
      throw new RetryAfterException("at most " + perMinute + " jobs per minute; try again in "
          + Math.max(1, (waitMs + 999) / 1000) + " s", (waitMs + 999) / 1000);
    }
    q.addLast(now);
  }

  /** Jobs {@code owner} could still start right now. */
  public synchronized int remaining(String owner) {
    long now = clockMs.getAsLong();
    Deque<Long> q = starts.get(owner);
    if (q == null) {
      return perMinute;
    }
    long live = q.stream().filter(t -> t > now - WINDOW_MS).count();
    return (int) Math.max(0, perMinute - live);
  }

  /** Forgets callers idle for a whole window, at most once per window, so memory stays bounded. */
  private void sweep(long now) {
    if (now - lastSweep < WINDOW_MS) {
      return;
    }
    lastSweep = now;
    for (Iterator<Deque<Long>> it = starts.values().iterator(); it.hasNext(); ) {
      Deque<Long> q = it.next();
      if (q.isEmpty() || q.peekLast() <= now - WINDOW_MS) {
        it.remove();
      }
    }
  }
}
