package io.gtm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobQuotaTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final JobQuota quota = new JobQuota(3, now::get);

  @Test
  void allowsTheLimitPerSlidingMinuteThenRefusesWithTheWaitUntilTheOldestExpires() {
    quota.acquire("a");
    now.addAndGet(10_000);
    quota.acquire("a");
    quota.acquire("a");
    now.addAndGet(5_000);
    assertThatThrownBy(() -> quota.acquire("a"))
        .isInstanceOfSatisfying(RetryAfterException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(45));
    now.addAndGet(45_000); // the first start leaves the window
    quota.acquire("a");
    assertThat(quota.remaining("a")).isZero();
  }

  @Test
  void countsEachCallerSeparatelyAndRefusalsDoNotCount() {
    for (int i = 0; i < 3; i++) {
      quota.acquire("a");
    }
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> quota.acquire("a")).isInstanceOf(RetryAfterException.class);
    }
    quota.acquire("b");
    assertThat(quota.remaining("b")).isEqualTo(2);
    now.addAndGet(60_000);
    assertThat(quota.remaining("a")).isEqualTo(3);
  }
}
