package io.gtm.summarizer;

import io.gtm.summarizer.internal.DocumentSchedule.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands LLM tasks of the running documents to at most {@code limit} slots of this process (the
 * global limit across processes is the {@link LlmPermits} each call takes). Pulls work only when
 * a slot is free: the oldest document first, in it the lowest chapter (see
 * {@code DocumentSchedule}), so nothing is queued beyond what the slots can take. A task waiting
 * out a retry backoff holds no slot; a timer wakes the dispatcher when it is due. Runs on the
 * verticle's event loop only.
 */
final class LlmDispatcher {
  /** Every live dispatcher of this process, for the process-wide gauges. */
  static final Set<LlmDispatcher> LIVE = ConcurrentHashMap.newKeySet();

  private final Vertx vertx;
  private final int limit;
  private final List<DocumentJob> jobs = new ArrayList<>();
  private volatile int inFlight;
  private volatile int ready;
  private boolean pumping;
  private boolean again;
  private long timer = -1;
  private long timerAt = -1;

  LlmDispatcher(Vertx vertx, int limit) {
    this.vertx = vertx;
    this.limit = limit;
    LIVE.add(this);
  }

  static long now() {
    return System.nanoTime() / 1_000_000;
  }

  int limit() {
    return limit;
  }

  int inFlight() {
    return inFlight;
  }

  /** Ready tasks of opened chapters (waiting for a slot or their backoff). */
  int queued() {
    return ready;
  }

  List<DocumentJob> jobs() {
    return jobs;
  }

  void add(DocumentJob job) {
    jobs.add(job);
    pump();
  }

  void remove(DocumentJob job) {
    jobs.remove(job);
  }

  void close() {
    LIVE.remove(this);
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    jobs.clear();
  }

  /** Fills the free slots; call whenever work may have appeared. */
  void pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        fill();
      } while (again);
    } finally {
      pumping = false;
    }
    int r = 0;
    for (DocumentJob j : jobs) {
      r += j.readyCount();
    }
    ready = r;
    arm();
  }

  private void fill() {
    long now = now();
    while (inFlight < limit) {
      Task task = null;
      DocumentJob owner = null;
      for (DocumentJob j : List.copyOf(jobs)) {
        task = j.next(now);
        if (task != null) {
          owner = j;
          break;
        }
      }
      if (task == null) {
        return;
      }
      inFlight++;
      Future<Void> run = owner.execute(task);
      run.onComplete(ar -> {
        inFlight--;
        pump();
      });
    }
  }

  /** A timer for the earliest retry that is not due yet (only while a slot is free). */
  private void arm() {
    long earliest = -1;
    if (inFlight < limit) {
      for (DocumentJob j : jobs) {
        long at = j.nextReadyAt();
        if (at >= 0 && (earliest < 0 || at < earliest)) {
          earliest = at;
        }
      }
    }
    if (earliest == timerAt) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    timerAt = earliest;
    if (earliest >= 0) {
      timer = vertx.setTimer(Math.max(1, earliest - now()), t -> {
        timer = -1;
        timerAt = -1;
        pump();
      });
    }
  }
}
