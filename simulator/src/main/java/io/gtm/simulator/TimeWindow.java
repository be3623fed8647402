package io.gtm.simulator;

import java.util.Arrays;

/**
 * The timestamps (ms) of a sliding window, oldest first: a ring of (time, count) pairs, so that
 * requests arriving in the same millisecond share one slot. It holds at most one slot per
 * millisecond of the window whatever the request rate (a window of boxed {@code Long}s held
 * ~30 bytes per request: 9 MB at 2,400 requests/s over 60 s, in the benchmark's heap).
 */
final class TimeWindow {
  private long[] times = new long[16];
  private int[] counts = new int[16];
  private int head;
  private int slots;
  private int size;

  /** Requests in the window. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The oldest timestamp; the window must not be empty. */
  long oldest() {
    return times[head];
  }

  /** Adds one request at {@code now} (not older than the newest). */
  void add(long now) {
    if (slots > 0) {
      int last = (head + slots - 1) & (times.length - 1);
      if (times[last] == now) {
        counts[last]++;
        size++;
        return;
      }
    }
    if (slots == times.length) {
      grow();
    }
    int at = (head + slots) & (times.length - 1);
    times[at] = now;
    counts[at] = 1;
    slots++;
    size++;
  }

  /** Drops every request at or before {@code upTo}. */
  void dropUpTo(long upTo) {
    while (slots > 0 && times[head] <= upTo) {
      size -= counts[head];
      head = (head + 1) & (times.length - 1);
      slots--;
    }
  }

  void clear() {
    head = 0;
    slots = 0;
    size = 0;
  }

  private void grow() {
    int n = times.length;
    long[] t = new long[n * 2];
    int[] c = new int[n * 2];
    for (int i = 0; i < slots; i++) {
      t[i] = times[(head + i) & (n - 1)];
      c[i] = counts[(head + i) & (n - 1)];
    }
    times = t;
    counts = c;
    head = 0;
  }

  /** For tests: the slots in use (distinct milliseconds held). */
  int slots() {
    return slots;
  }

  /** For tests: every timestamp held, oldest first. */
  long[] timesInOrder() {
    long[] out = new long[size];
    int k = 0;
    for (int i = 0; i < slots; i++) {
      int at = (head + i) & (times.length - 1);
      Arrays.fill(out, k, k + counts[at], times[at]);
      k += counts[at];
    }
    return out;
  }
}
