package io.gtm.common.resilience;

/**
 * Additive increase, multiplicative decrease (as concurrency-limits' AIMDLimit): +1 after a
 * success that found the limit in use (at least half of it in flight), times {@code backoffRatio}
 * after a drop (429 or timeout), always within [min, max].
 */
public final class AimdLimit implements Limit {
  private final int min;
  private final int max;
  private final double backoffRatio;
  private int limit;

  public AimdLimit(int initial, int min, int max, double backoffRatio) {
    if (min <= 0 || max < min || initial < min || initial > max) {
      throw new IllegalArgumentException("AIMD needs 0 < min <= initial <= max, got " + min + ", " + initial + ", " + max);
    }
    if (backoffRatio <= 0 || backoffRatio >= 1) {
      throw new IllegalArgumentException("backoffRatio must be in (0, 1), got " + backoffRatio);
    }
    this.min = min;
    this.max = max;
    this.backoffRatio = backoffRatio;
    this.limit = initial;
  }

  @Override
  public synchronized int current() {
    return limit;
  }

  @Override
  public synchronized void onSample(boolean dropped, int inFlight) {
    if (dropped) {
      limit = Math.max(min, (int) Math.floor(limit * backoffRatio));
    } else if (inFlight * 2 >= limit) {
      limit = Math.min(max, limit + 1);
    }
  }

  @Override
  public String toString() {
    return "aimd(" + current() + " in [" + min + ", " + max + "])";
  }
}
