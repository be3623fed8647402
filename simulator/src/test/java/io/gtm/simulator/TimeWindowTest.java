package io.gtm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeWindowTest {

  @Test
  void requestsInOneMillisecondShareASlot() {
    TimeWindow w = new TimeWindow();
    for (int i = 0; i < 1000; i++) {
      w.add(5);
    }
    w.add(7);
    assertThat(w.size()).isEqualTo(1001);
    assertThat(w.slots()).isEqualTo(2);
    assertThat(w.oldest()).isEqualTo(5);
    w.dropUpTo(5);
    assertThat(w.size()).isEqualTo(1);
    assertThat(w.oldest()).isEqualTo(7);
    w.dropUpTo(7);
    assertThat(w.isEmpty()).isTrue();
  }

  @Test
  void behavesAsADequeOfTimestampsThroughGrowthAndWrapAround() {
    TimeWindow w = new TimeWindow();
    ArrayDeque<Long> expected = new ArrayDeque<>();
    Random r = new Random(42);
    long now = 1_000;
    for (int step = 0; step < 20_000; step++) {
      now += r.nextInt(3); // often the same millisecond
      w.add(now);
      expected.addLast(now);
      long upTo = now - 50 - r.nextInt(200);
      w.dropUpTo(upTo);
      while (!expected.isEmpty() && expected.peekFirst() <= upTo) {
        expected.pollFirst();
      }
      assertThat(w.size()).isEqualTo(expected.size());
      if (!expected.isEmpty()) {
        assertThat(w.oldest()).isEqualTo(expected.peekFirst());
      }
    }
    assertThat(w.timesInOrder()).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
    // at most one slot per millisecond of the window
    assertThat(w.slots()).isLessThanOrEqualTo(251);
    w.clear();
    assertThat(w.size()).isZero();
  }
}
