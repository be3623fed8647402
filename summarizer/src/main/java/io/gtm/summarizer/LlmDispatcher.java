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
 * call of this process (no round trip to the shared store between two calls); when none waits
 * yet but a lookup is under way, it is kept for that lookup's call (at most {@link #SPARE_MS}).
 * While another process waits for a permit ({@link LlmPermits#contended()}), a permit is given
 * back after {@link #MAX_HANDOFFS} calls in a row so that process gets its turn.
 * Work is pulled only when there is room: the oldest document first, in it the lowest
 * chapter (see {@code DocumentSchedule}), so at most {@code 2 x limit} tasks are taken out of
 * the schedules at once. A task waiting out a retry backoff holds nothing; a timer wakes the
 * dispatcher when it is due. Runs on the verticle's event loop only.
 */
final class LlmDispatcher {
  /** Every live dispatcher of this process, for the process-wide gauges. */
  static final Set<LlmDispatcher> LIVE = ConcurrentHashMap.newKeySet();

  /** Calls one held permit serves in a row before it is released, while another process waits for one. */
  static final int MAX_HANDOFFS = 16;
  /** Longest time a permit is kept with no call for it (for a lookup under way). */
  static final long SPARE_MS = 50;

  /** A task to call; ordered by its document's arrival, then its chapter, then when it missed. */
  private record Miss(long jobOrder, DocumentJob job, DocumentJob.Prepared call, long seq) {}

  private static final java.util.Comparator<Miss> CALL_ORDER = java.util.Comparator.comparingLong(Miss::jobOrder)
      .thenComparingInt(m -> m.call().task().chapter()).thenComparingLong(Miss::seq);

  /** A permit held here and how many calls it served in a row (identity, not value, equality). */
  private static final class Held {
    final Runnable release;
    final int uses;

    Held(Runnable release, int uses) {
      this.release = release;
      this.uses = uses;
    }
  }

  private final Vertx vertx;
  private final int limit;
  private final LlmPermits permits;
  private final List<DocumentJob> jobs = new ArrayList<>();
  /**
   * Misses waiting for a call slot, the lowest chapter of the oldest document first: a chapter's
   * reduce and title calls, which come after its maps, overtake the maps of later chapters, so
   * chapters finish one after the other (a steady stream) rather than all towards the end.
   */
  private final java.util.PriorityQueue<Miss> toCall = new java.util.PriorityQueue<>(CALL_ORDER);
  private final java.util.Map<DocumentJob, Long> jobOrder = new java.util.IdentityHashMap<>();
  private long jobsAdded;
  private long missSeq;
  /** Permits held by calls in flight, given back when the dispatcher closes (abandoned calls never end). */
  private final Set<Held> held = new java.util.HashSet<>();
  /** Permits kept for a call not yet known (also in {@code held}). */
  private final ArrayDeque<Held> spare = new ArrayDeque<>();
  private long spareTimer = -1;
  private volatile int calling;
  private int looking;
  private volatile int ready;
  private long calls;
  private long handed;
  private long acquired;
  private long permitWaitNs;
  private long emptyAtEnd;
  private boolean pumping;
  private boolean closed;
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
    jobOrder.put(job, jobsAdded++);
    pump();
  }

  /** Counts of this dispatcher's calls and permits, for the log. */
  String stats() {
    return String.format(java.util.Locale.ROOT, "%d calls, %d on a handed permit, %d permits acquired (%.1f ms waited),"
        + " %d releases with no call waiting", calls, handed, acquired, permitWaitNs / 1e6, emptyAtEnd);
  }

  void remove(DocumentJob job) {
    jobs.remove(job);
    toCall.removeIf(m -> m.job == job);
    jobOrder.remove(job);
  }

  void close() {
    closed = true;
    LIVE.remove(this);
    for (Held h : List.copyOf(held)) {
      h.release.run();
    }
    held.clear();
    spare.clear();
    if (spareTimer >= 0) {
      vertx.cancelTimer(spareTimer);
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    jobs.clear();
    jobOrder.clear();
    toCall.clear();
  }

  /** Fills the free slots; call whenever work may have appeared. */
  void pump() {
    if (closed) {
      return;
    }
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
    if (!spare.isEmpty() && looking == 0 && toCall.isEmpty()) {
      releaseSpares(); // no call is coming for them
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
      Held kept = spare.pollFirst();
      if (kept != null) {
        held.remove(kept);
      }
      startCall(toCall.poll(), kept);
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
        DocumentJob.Lookup found = ar.succeeded() ? ar.result() : null;
        if (ar.failed()) {
          job.lookupFailed(t, ar.cause());
        } else if (found != null && found.cached() != null) {
          job.answered(t, found.cached());
        } else if (found != null && job.active()) {
          toCall.add(new Miss(jobOrder.getOrDefault(job, Long.MAX_VALUE), job, found.call(), missSeq++));
        }
        pump();
      });
    }
  }

  /** One call: with the permit handed over by the previous call, or a newly acquired one. */
  private void startCall(Miss m, Held handed) {
    calling++;
    calls++;
    long asked = System.nanoTime();
    if (handed != null) {
      this.handed++;
    }
    Future<Held> permit = handed != null ? Future.succeededFuture(handed)
        : permits.acquire().map(release -> {
          acquired++;
          permitWaitNs += System.nanoTime() - asked;
          return new Held(release, 0);
        });
    permit.onComplete(p -> {
      if (p.failed()) { // no permit (the store failed for good, or closed): the task goes back as a miss
        calling--;
        if (closed) {
          return;
        }
        toCall.add(m);
        vertx.setTimer(100, t -> pump());
        return;
      }
      Held permitHeld = p.result();
      held.add(permitHeld);
      m.job.call(m.call).onComplete(ar -> {
        calling--;
        if (!held.remove(permitHeld)) {
          return; // closed: already given back
        }
        // the permit first goes to the next call (or waits for one being looked up), then the answer is applied
        Held again = new Held(permitHeld.release, permitHeld.uses + 1);
        boolean mayKeep = again.uses < MAX_HANDOFFS || !permits.contended();
        Miss next = mayKeep ? toCall.poll() : null;
        if (next != null) {
          startCall(next, again);
        } else if (mayKeep && looking > 0) {
          keepSpare(again);
        } else {
          if (toCall.isEmpty()) {
            emptyAtEnd++;
          }
          permitHeld.release.run();
        }
        try {
          ar.result().run();
        } finally {
          pump();
        }
      });
    });
  }

  private void keepSpare(Held h) {
    held.add(h);
    spare.addLast(h);
    if (spareTimer < 0) {
      spareTimer = vertx.setTimer(SPARE_MS, t -> {
        spareTimer = -1;
        releaseSpares();
        pump();
      });
    }
  }

  private void releaseSpares() {
    Held h;
    while ((h = spare.pollFirst()) != null) {
      held.remove(h);
      emptyAtEnd++;
      h.release.run();
    }
    if (spareTimer >= 0) {
      vertx.cancelTimer(spareTimer);
      spareTimer = -1;
    }
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
