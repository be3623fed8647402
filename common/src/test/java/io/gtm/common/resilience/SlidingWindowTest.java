package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {

  @Test
  void grantsUpToTheLimitThenNamesTheWaitUntilTheOldestLeaves() {
    SlidingWindow w = new SlidingWindow(3, 60_000);
    assertThat(w.tryAcquire(1_000, 1)).isZero();
    assertThat(w.tryAcquire(2_000, 1)).isZero();
    assertThat(w.tryAcquire(3_000, 1)).isZero();
    assertThat(w.tryAcquire(10_000, 1)).isEqualTo(51_000); // 1_000 leaves at 61_000
    assertThat(w.tryAcquire(60_999, 1)).isEqualTo(1);
    assertThat(w.tryAcquire(61_000, 1)).isZero();
    assertThat(w.used(61_000)).isEqualTo(3);
  }

  @Test
  void neverGrantsMoreThanTheLimitInAnyWindow() {
    SlidingWindow w = new SlidingWindow(5, 1_000);
    long[] grants = new long[200];
    int n = 0;
    for (long t = 0; t < 10_000 && n < grants.length; t += 7) {
      if (w.tryAcquire(t, 1) == 0) {
        grants[n++] = t;
      }
    }
    for (int i = 5; i < n; i++) {
      assertThat(grants[i] - grants[i - 5]).as("6 grants within one window").isGreaterThanOrEqualTo(1_000);
    }
    assertThat(n).isGreaterThanOrEqualTo(45); // and the limit is used: ~5 per second over 10 s
  }

  @Test
  void weightedGrantsWaitUntilEnoughWeightLeaves() {
    SlidingWindow w = new SlidingWindow(100, 60_000);
    assertThat(w.tryAcquire(0, 40)).isZero();
    assertThat(w.tryAcquire(10_000, 40)).isZero();
    assertThat(w.tryAcquire(20_000, 50)).isEqualTo(40_000); // 30 too many: the grant at 0 must leave
    assertThat(w.tryAcquire(60_000, 50)).isZero();
    assertThat(w.tryAcquire(60_001, 50)).isEqualTo(9_999); // 40 too many: the grant at 10_000 must leave
  }

  @Test
  void aWeightAboveTheLimitPassesOnceTheWindowIsEmpty() {
    SlidingWindow w = new SlidingWindow(10, 1_000);
    assertThat(w.tryAcquire(0, 1)).isZero();
    assertThat(w.tryAcquire(1, 50)).isEqualTo(999);
    assertThat(w.tryAcquire(1_000, 50)).isZero();
  }
}
