package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffAndLimitTest {

  @Test
  void backoffDoublesWithJitterInTheUpperHalfAndIsCapped() {
    Backoff b = new Backoff(500, 30_000);
    assertThat(b.delayMs(0, () -> 0.0)).isEqualTo(250);
    assertThat(b.delayMs(0, () -> 0.999)).isEqualTo(499);
    assertThat(b.delayMs(1, () -> 0.0)).isEqualTo(500);
    assertThat(b.delayMs(3, () -> 0.5)).isEqualTo(3_000); // ceiling 4000, floor 2000
    assertThat(b.delayMs(10, () -> 0.0)).isEqualTo(15_000);
    assertThat(b.delayMs(40, () -> 0.999)).isLessThanOrEqualTo(30_000);
  }

  @Test
  void aimdGrowsByOneWhenUsedAndShrinksMultiplicativelyOnDrops() {
    AimdLimit limit = new AimdLimit(10, 2, 20, 0.5);
    limit.onSample(false, 2);   // limit barely used: no growth
    assertThat(limit.current()).isEqualTo(10);
    limit.onSample(false, 5);
    assertThat(limit.current()).isEqualTo(11);
    limit.onSample(true, 11);
    assertThat(limit.current()).isEqualTo(5);
    limit.onSample(true, 5);
    limit.onSample(true, 5);
    assertThat(limit.current()).isEqualTo(2); // never below min
    for (int i = 0; i < 50; i++) {
      limit.onSample(false, 20);
    }
    assertThat(limit.current()).isEqualTo(20); // never above max
  }
}
