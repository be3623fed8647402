package io.gtm.common.llm;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Decides whether LLM work goes to the primary or the secondary provider. Work moves to the
 * secondary when the primary's breaker is open (at once) or the p95 of its recent latencies
 * passes the threshold (after at least {@code minDwellMs} on the primary); it comes back once the
 * primary's breaker is no longer open and its recent p95 is under the threshold, after at least
 * {@code minDwellMs} on the secondary. Latency samples older than {@code sampleMaxAgeMs} are
 * forgotten, so a provider that got no traffic is tried again. Pure logic on an injected clock.
 */
public final class RouteSelector {
  static final int MAX_SAMPLES = 100;
  static final int MIN_SAMPLES = 5;

  private final long p95ThresholdMs;
  private final long minDwellMs;
  private final long sampleMaxAgeMs;
  private final LongSupplier clock;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {time, latency}
  private boolean onSecondary;
  private long since;

  public RouteSelector(long p95ThresholdMs, long minDwellMs, long sampleMaxAgeMs, LongSupplier clock) {
    this.p95ThresholdMs = p95ThresholdMs;
    this.minDwellMs = minDwellMs;
    this.sampleMaxAgeMs = sampleMaxAgeMs;
    this.clock = clock;
    this.since = clock.getAsLong() - minDwellMs;
  }

  public synchronized void recordPrimaryLatency(long latencyMs) {
    samples.addLast(new long[] {clock.getAsLong(), latencyMs});
    while (samples.size() > MAX_SAMPLES) {
      samples.pollFirst();
    }
  }

  /** The primary's recent p95 in ms, or -1 with too few recent samples. */
  public synchronized long primaryP95() {
    long now = clock.getAsLong();
    while (!samples.isEmpty() && samples.peekFirst()[0] < now - sampleMaxAgeMs) {
      samples.pollFirst();
    }
    if (samples.size() < MIN_SAMPLES) {
      return -1;
    }
    long[] sorted = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
    int index = (int) Math.ceil(0.95 * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  /** True when this call should go to the secondary. */
  public synchronized boolean useSecondary(boolean primaryOpen, boolean secondaryOpen) {
    long now = clock.getAsLong();
    boolean dwelt = now - since >= minDwellMs;
    boolean primarySlow = primaryP95() > p95ThresholdMs;
    if (!onSecondary) {
      if (!secondaryOpen && (primaryOpen || (primarySlow && dwelt))) {
        onSecondary = true;
        since = now;
      }
    } else if (secondaryOpen && !primaryOpen) {
      onSecondary = false;
      since = now;
    } else if (dwelt && !primaryOpen && !primarySlow) {
      onSecondary = false;
      since = now;
    }
    return onSecondary;
  }

  public synchronized boolean onSecondary() {
    return onSecondary;
  }

  @Override
  public synchronized String toString() {
    return "RouteSelector" + Arrays.toString(new long[] {p95ThresholdMs, minDwellMs}) + (onSecondary ? " secondary" : " primary");
  }
}
