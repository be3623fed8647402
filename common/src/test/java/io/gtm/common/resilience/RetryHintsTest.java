package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryHintsTest {

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    long now = Instant.parse("2015-10-21T07:27:50Z").toEpochMilli();
    assertThat(RetryHints.retryAfter("7", now)).isEqualTo(7_000);
    assertThat(RetryHints.retryAfter("0.5", now)).isEqualTo(500);
    assertThat(RetryHints.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(10_000);
    assertThat(RetryHints.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).isZero(); // in the past
    assertThat(RetryHints.retryAfter("soon", now)).isEqualTo(-1);
    assertThat(RetryHints.retryAfter(null, now)).isEqualTo(-1);
  }

  @Test
  void retryAfterMsReadsMilliseconds() {
    assertThat(RetryHints.retryAfterMs("1500")).isEqualTo(1_500);
    assertThat(RetryHints.retryAfterMs("12.2")).isEqualTo(13);
    assertThat(RetryHints.retryAfterMs("x")).isEqualTo(-1);
  }

  @Test
  void durationsReadOpenAiResetsAndGeminiRetryDelays() {
    assertThat(RetryHints.duration("1m30s")).isEqualTo(90_000);
    assertThat(RetryHints.duration("250ms")).isEqualTo(250);
    assertThat(RetryHints.duration("6m0s")).isEqualTo(360_000);
    assertThat(RetryHints.duration("7s")).isEqualTo(7_000);
    assertThat(RetryHints.duration("0.5s")).isEqualTo(500);
    assertThat(RetryHints.duration("1.5s")).isEqualTo(1_500);
    assertThat(RetryHints.duration("1h2m")).isEqualTo(3_720_000);
    assertThat(RetryHints.duration("7 seconds")).isEqualTo(-1);
    assertThat(RetryHints.duration("")).isEqualTo(-1);
  }
}
