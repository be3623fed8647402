package io.gtm.common.resilience;

import java.util.function.DoubleSupplier;

/**
 * Jittered exponential backoff ("full jitter" above a floor): attempt n waits a random time in
 * [base * 2^n / 2, base * 2^n], capped at {@code maxMs}.
 */
public record Backoff(long baseMs, long maxMs) {
  public static final long DEFAULT_BASE_MS = 500;
  public static final long DEFAULT_MAX_MS = 30_000;

  public Backoff {
    if (baseMs <= 0 || maxMs < baseMs) {
      throw new IllegalArgumentException("backoff needs 0 < baseMs <= maxMs, got " + baseMs + ", " + maxMs);
    }
  }

  public static Backoff defaults() {
    return new Backoff(DEFAULT_BASE_MS, DEFAULT_MAX_MS);
  }

  /** The wait before retry number {@code retry} (0 = the first retry); {@code random} in [0, 1). */
  public long delayMs(int retry, DoubleSupplier random) {
    long ceiling = baseMs << Math.min(retry, 20);
    ceiling = Math.min(ceiling, maxMs);
    long floor = ceiling / 2;
    return floor + (long) (random.getAsDouble() * (ceiling - floor));
  }

  public long delayMs(int retry) {
    return delayMs(retry, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }
}
