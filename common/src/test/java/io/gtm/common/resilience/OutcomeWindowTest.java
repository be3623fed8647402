package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OutcomeWindowTest {
  @Test
  void aProviderFailingEveryCallCountsEveryFailure() {
    OutcomeWindow w = new OutcomeWindow();
    for (int i = 0; i < 5; i++) {
      assertThat(w.record(true)).isTrue();
    }
  }

  @Test
  void aProviderFailingOneCallInFourCountsNoFailureOnceTheWindowHasSuccesses() {
    OutcomeWindow w = new OutcomeWindow();
    Random dice = new Random(7);
    for (int i = 0; i < OutcomeWindow.SIZE; i++) {
      w.record(false);
    }
    int counted = 0;
    for (int i = 0; i < 2_000; i++) {
      counted += w.record(dice.nextDouble() < 0.27) ? 1 : 0;
    }
    assertThat(counted).isLessThan(5);
  }

  @Test
  void successesInTheWindowStopCountingAndAnOutageAfterThemCountsAgain() {
    OutcomeWindow w = new OutcomeWindow();
    for (int i = 0; i < OutcomeWindow.SIZE; i++) {
      w.record(false);
    }
    assertThat(w.record(true)).isFalse();
    int firstCounted = -1;
    for (int i = 0; i < OutcomeWindow.SIZE; i++) {
      if (w.record(true) && firstCounted < 0) {
        firstCounted = i;
      }
    }
    assertThat(firstCounted).as("a sustained outage counts once 60 % of the window failed").isBetween(27, 29);
  }
}
