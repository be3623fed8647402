package io.gtm.common.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouteSelectorTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RouteSelector selector = new RouteSelector(1_000, 120_000, 60_000, now::get);

  private void primaryLatencies(long ms, int n) {
    for (int i = 0; i < n; i++) {
      selector.recordPrimaryLatency(ms);
    }
  }

  @Test
  void staysOnAHealthyPrimary() {
    primaryLatencies(200, 20);
    assertThat(selector.useSecondary(false, false)).isFalse();
    assertThat(selector.primaryP95()).isEqualTo(200);
  }

  @Test
  void anOpenPrimaryBreakerMovesWorkAtOnceAndItComesBackAfterTheDwell() {
    assertThat(selector.useSecondary(false, false)).isFalse();
    now.addAndGet(1_000);
    assertThat(selector.useSecondary(true, false)).isTrue();
    now.addAndGet(30_000);
    assertThat(selector.useSecondary(false, false)).as("recovered, but dwell not reached").isTrue();
    now.addAndGet(90_000);
    assertThat(selector.useSecondary(false, false)).as("after 120 s on the secondary").isFalse();
  }

  @Test
  void aSlowPrimaryP95MovesWorkAndStaysAwayWhileSamplesAreRecent() {
    primaryLatencies(300, 18);
    primaryLatencies(5_000, 2); // p95 of 20 samples = the 19th = 5000
    assertThat(selector.primaryP95()).isEqualTo(5_000);
    assertThat(selector.useSecondary(false, false)).isTrue();
    now.addAndGet(50_000);
    assertThat(selector.useSecondary(false, false)).isTrue();
    now.addAndGet(80_000); // samples are 130 s old: forgotten, the primary gets another chance
    assertThat(selector.useSecondary(false, false)).isFalse();
    primaryLatencies(5_000, 10);
    now.addAndGet(1_000);
    assertThat(selector.useSecondary(false, false)).as("slow again, but the dwell on the primary holds").isFalse();
    now.addAndGet(120_000);
    primaryLatencies(5_000, 10);
    assertThat(selector.useSecondary(false, false)).isTrue();
  }

  @Test
  void neverMovesToAnOpenSecondaryAndReturnsWhenTheSecondaryOpens() {
    assertThat(selector.useSecondary(true, true)).isFalse();
    assertThat(selector.useSecondary(true, false)).isTrue();
    now.addAndGet(1_000);
    assertThat(selector.useSecondary(false, true)).isFalse();
  }

  @Test
  void fewSamplesSayNothing() {
    primaryLatencies(50_000, RouteSelector.MIN_SAMPLES - 1);
    assertThat(selector.primaryP95()).isEqualTo(-1);
    assertThat(selector.useSecondary(false, false)).isFalse();
  }
}
