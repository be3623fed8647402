package io.gtm.common.resilience;

/** How many calls a {@link ConcurrencyLimiter} lets run at once. */
public interface Limit {
  int current();

  /** A call ended: {@code dropped} for 429/timeouts, {@code inFlight} the calls running when it started. */
  void onSample(boolean dropped, int inFlight);

  static Limit fixed(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return new Limit() {
      @Override
      public int current() {
        return limit;
      }

      @Override
      public void onSample(boolean dropped, int inFlight) {}

      @Override
      public String toString() {
        return "fixed(" + limit + ")";
      }
    };
  }
}
