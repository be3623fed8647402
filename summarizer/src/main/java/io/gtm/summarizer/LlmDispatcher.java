package io.gtm.summarizer;

import io.gtm.summarizer.internal.DocumentSchedule.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the LLM tasks of the running documents to at most {@code limit} calls in flight in this
 * process (the limit across processes is the {@link LlmPermits} each call takes), in two stages:
 * a task is first looked up in the summary cache (up to {@code limit} lookups ahead, holding no
 * call slot, so a slot never idles on a database round trip), and only a miss waits for a call
 * slot and a cluster-wide permit. A permit whose call ended goes straight to the next waiting
 * call of this process (no round trip to the shared store between two calls), at most
 * {@link #MAX_HANDOFFS} times in a row before it is given back so other processes get their turn.
 * Work is pulled only when there is room: the oldest document first, in it the lowest
 * chapter (see {@code DocumentSchedule}), so at most {@code 2 x limit} tasks are taken out of
 * the schedules at once. A task waiting out a retry backoff holds nothing; a timer wakes the
 * dispatcher when it is due. Runs on the verticle's event loop only.
 */
final class LlmDispatcher {
  /** Every live dispatcher of this process, for the process-wide gauges. */
  static final Set<LlmDispatcher> LIVE = ConcurrentHashMap.newKeySet();

  /** Calls one held permit serves before it is released. */
  static final int MAX_HANDOFFS = 16;

  private record Miss(DocumentJob job, Task task) {}

  private record Held(Runnable release, int uses) {}

  private final Vertx vertx;
  private final int limit;
  private final LlmPermits permits;
  private final List<DocumentJob> jobs = new ArrayList<>();
  private final ArrayDeque<Miss> toCall = new ArrayDeque<>();
  /** Permits held by calls in flight, given back when the dispatcher closes (abandoned calls never end). */
  private final Set<Held> held = new java.util.HashSet<>();
  private volatile int calling;
  private int looking;
  private volatile int ready;
  private boolean pumping;
  private boolean again;
  private long timer = -1;
  private long timerAt = -1;

  LlmDispatcher(Vertx vertx, int limit, LlmPermits permits) {
    this.vertx = vertx;
    this.limit = limit;
    this.permits = permits;
    LIVE.add(this);
  }

  static long now() {
    return System.nanoTime() / 1_000_000;
  }

  int limit() {
    return limit;
  }

  /** LLM calls in flight. */
  int inFlight() {
    return calling;
  }

  /** Tasks waiting: ready in opened chapters (for a slot or their backoff), or missed in the cache and waiting for a call slot. */
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
    toCall.removeIf(m -> m.job == job);
  }

  void close() {
    LIVE.remove(this);
    for (Held h : List.copyOf(held)) {
      h.release().run();
    }
    held.clear();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    jobs.clear();
    toCall.clear();
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
    int r = toCall.size();
    for (DocumentJob j : jobs) {
      r += j.readyCount();
    }
    ready = r;
    arm();
  }

  private void fill() {
    while (calling < limit && !toCall.isEmpty()) {
      startCall(toCall.pollFirst(), null);
    }
    long now = now();
    while (calling + looking + toCall.size() < 2 * limit) {
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
      looking++;
      DocumentJob job = owner;
      Task t = task;
      job.lookup(t).onComplete(ar -> {
        looking--;
        if (ar.result() != null) {
          job.answered(t, ar.result());
        } else if (job.active()) {
          toCall.addLast(new Miss(job, t));
        }
        pump();
      });
    }
  }

  /** One call: with the permit handed over by the previous call, or a newly acquired one. */
  private void startCall(Miss m, Held handed) {
    calling++;
    Future<Held> permit = handed != null ? Future.succeededFuture(handed)
        : permits.acquire().map(release -> new Held(release, 0));
    permit.onComplete(p -> {
      if (p.failed()) { // no permit (the store failed for good): the task goes back as a miss
        calling--;
        toCall.addFirst(m);
        vertx.setTimer(100, t -> pump());
        return;
      }
      Held permitHeld = p.result();
      held.add(permitHeld);
      m.job.call(m.task).onComplete(ar -> {
        calling--;
        if (!held.remove(permitHeld)) {
          return; // closed: already given back
        }
        Miss next = permitHeld.uses() + 1 < MAX_HANDOFFS && calling < limit ? toCall.pollFirst() : null;
        if (next != null) {
          startCall(next, new Held(permitHeld.release(), permitHeld.uses() + 1));
        } else {
          permitHeld.release().run();
        }
        pump();
      });
    });
  }

  /** A timer for the earliest retry that is not due yet (only while there is room). */
  private void arm() {
    long earliest = -1;
    if (calling + looking + toCall.size() < 2 * limit) {
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
