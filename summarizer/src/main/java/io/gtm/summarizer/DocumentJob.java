package io.gtm.summarizer;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.events.JobEventLog;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.LlmResponse;
import io.gtm.common.model.DbWrite;
import io.gtm.summarizer.internal.Chapter;
import io.gtm.summarizer.internal.ChapterSplitter;
import io.gtm.summarizer.internal.Chunker;
import io.gtm.summarizer.internal.DocumentSchedule;
import io.gtm.summarizer.internal.DocumentSchedule.ChapterWork;
import io.gtm.summarizer.internal.DocumentSchedule.Kind;
import io.gtm.summarizer.internal.DocumentSchedule.Outcome;
import io.gtm.summarizer.internal.DocumentSchedule.Task;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document owned by this process: load, split (on a worker thread), store every chapter as
 * {@code pending}, then feed its {@link DocumentSchedule} to the dispatcher; each finished chapter
 * is stored, and only once db-writer confirmed it are {@code chapter_done} and
 * {@code document_progress} emitted. Resuming after a crash is the same path: chapters already
 * {@code done} or {@code failed} are left as stored and not summarised again.
 */
final class DocumentJob {
  private static final Logger log = LoggerFactory.getLogger(DocumentJob.class);
  /** How long a finished chapter (or the final row) keeps being sent while db-writer refuses or is away. */
  static final long STORE_DEADLINE_MS = 600_000;
  /**
   * Least wait for one db-writer answer before sending again: a writer killed with the rows in its
   * batch never answers, and the clustered event bus does not fail a request whose recipient died.
   * The write is an idempotent upsert, so a resend to a slow but living writer costs only a row.
   */
  static final long MIN_WRITE_TIMEOUT_MS = 10_000;

  /** Longest wait, on a hand-back, for each of: the chapter rows in flight, the counters, the events. */
  static final long HAND_BACK_STEP_MS = 5_000;

  /** STOPPING: handing the document back (no new work; the chapter rows in flight are being stored). */
  private enum State { LOADING, RUNNING, STOPPING, FINISHING, ENDED }

  private final Vertx vertx;
  private final String id;
  private final JsonObject row;
  private final SummarizerConfig config;
  private final LlmClient llm;
  private final SummaryCache cache;
  private final SummarizerMetrics metrics;
  private final Runnable wake;
  private final Consumer<DocumentJob> ended;
  private final DeliveryOptions writeOptions;

  private volatile State state = State.LOADING;
  private Future<Void> planStored = Future.succeededFuture();
  private final long claimedNs = System.nanoTime();
  private JobEventLog events;
  private DocumentSchedule schedule;
  private final Map<Integer, Future<Map<String, JsonObject>>> mapCache = new HashMap<>();
  private final Set<Integer> started = new HashSet<>();
  private int total;
  private int done;
  private int failed;
  private int llmCalls;
  private int pendingStores;
  private volatile long lastProgress = LlmDispatcher.now();
  private long lastCounterWrite;
  private boolean counterWriteScheduled;
  private boolean firstCall;
  /** Completes once no chapter row is being stored, while handing back. */
  private io.vertx.core.Promise<Void> storesSettled;

  DocumentJob(Vertx vertx, JsonObject row, SummarizerConfig config, LlmClient llm,
              SummaryCache cache, SummarizerMetrics metrics, Runnable wake, Consumer<DocumentJob> ended) {
    this.vertx = vertx;
    this.id = row.getString("id");
    this.row = row;
    this.config = config;
    this.llm = llm;
    this.cache = cache;
    this.metrics = metrics;
    this.wake = wake;
    this.ended = ended;
    this.llmCalls = row.getInteger("llm_calls", 0);
    this.writeOptions = new DeliveryOptions().setSendTimeout(writeTimeoutMs(config.engine().getInt("DB_BATCH_MS")));
  }

  /** A few batch intervals (the writer answers once the batch is committed), at least {@link #MIN_WRITE_TIMEOUT_MS}. */
  static long writeTimeoutMs(int batchMs) {
    return Math.max(MIN_WRITE_TIMEOUT_MS, 4L * batchMs);
  }

  String id() {
    return id;
  }

  boolean active() {
    return state != State.ENDED;
  }

  /** Taking LLM work and its answers: false once it is being handed back, cancelled or finished. */
  private boolean working() {
    return state == State.RUNNING;
  }

  /** Milliseconds since the last stored chapter (or the start), while running. */
  long idleMs() {
    return state == State.RUNNING ? LlmDispatcher.now() - lastProgress : 0;
  }

  int readyCount() {
    return state == State.RUNNING ? schedule.readyCount() : 0;
  }

  Task next(long now) {
    return state == State.RUNNING ? schedule.next(now) : null;
  }

  long nextReadyAt() {
    return state == State.RUNNING ? schedule.nextReadyAt() : -1;
  }

  // ---------------------------------------------------------------- start

  /**
   * Loads, splits and plans the chapters, then hands the work to the dispatcher (through
   * {@code wake}). Only the text's load and split are on the way to the first call: the stored
   * chapters, the event log and the {@code splitting} status are read and written meanwhile.
   */
  void start() {
    Future<JsonArray> stored = query(DbQueries.CHAPTERS, new JsonObject().put("document_id", id));
    Future<Void> eventsOpen = lastEventSeq(0)
        .compose(seq -> JobEventLog.open(vertx, id, row.getString("owner_key"), seq))
        .map(opened -> {
          events = opened;
          return null;
        });
    Future<?> splitting = "queued".equals(row.getString("status"))
        ? write("documents", new JsonObject().put("id", id).put("status", "splitting")) : Future.succeededFuture();
    Future<List<Split>> chapters = query(DbQueries.DOCUMENT_CONTENT, new JsonObject().put("id", id)).compose(content -> {
      String text = content.isEmpty() ? null : content.getJsonObject(0).getString("content");
      if (text == null) {
        return Future.failedFuture(new IllegalStateException("the document has no stored text"));
      }
      return split(text);
    });
    // join: a failure still waits for the event log, so the failure is announced
    Future.join(chapters, stored, eventsOpen)
        .compose(all -> storeChapters(chapters.result(), stored.result(), splitting))
        .onSuccess(v -> {
          if (state != State.LOADING) {
            return;
          }
          state = State.RUNNING;
          lastProgress = LlmDispatcher.now();
          log.info("document {} running {} ms after its claim: {} of {} chapters to summarise", id,
              (System.nanoTime() - claimedNs) / 1_000_000, total - done - failed, total);
          if (schedule.finished()) {
            finish();
          } else {
            wake.run();
          }
        })
        .onFailure(err -> {
          if (state != State.LOADING) {
            return;
          }
          log.warn("document {} could not be split: {}", id, err.getMessage());
          total = 0;
          state = State.FINISHING;
          end("failed", "could not be split: " + err.getMessage());
        });
  }

  private record Split(Chapter chapter, ChapterWork work) {}

  /**
   * Splitting a whole book is CPU work: on a worker thread. Chapters are chunked lazily (first
   * used by the schedule, or by the plan's rows on a worker), so the first calls need not wait for
   * the whole book's chunks.
   */
  private Future<List<Split>> split(String text) {
    long t0 = System.nanoTime();
    Chunker chunker = new Chunker(config.chunkSize(), config.chunkOverlap(), config.chunkThreshold());
    return vertx.executeBlocking(() -> {
      List<Split> out = new ArrayList<>();
      for (Chapter c : ChapterSplitter.split(text)) {
        out.add(new Split(c, new ChapterWork(c.number(), c.heading(),
            () -> chunker.chunk(c.text()).stream().map(Chunker.Chunk::text).toList())));
      }
      return out;
    }, false).onSuccess(x -> {
      metrics.stage("split", System.nanoTime() - t0);
      log.info("document {} split in {} ms: {} chapters", id, (System.nanoTime() - t0) / 1_000_000, x.size());
    });
  }

  /**
   * Plans the chapters still to do and starts them at once; meanwhile the missing chapter rows are
   * stored as {@code pending} (never touching stored ones; content hashes computed on a worker)
   * and the document as {@code running}. No chapter result is stored before that plan is.
   */
  private Future<Void> storeChapters(List<Split> chapters, JsonArray stored, Future<?> splitting) {
    if (chapters.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("no chapters found"));
    }
    Map<Integer, JsonObject> existing = new HashMap<>();
    stored.forEach(o -> existing.put(((JsonObject) o).getInteger("number"), (JsonObject) o));
    List<Split> missing = new ArrayList<>();
    List<ChapterWork> work = new ArrayList<>();
    total = chapters.size();
    for (Split s : chapters) {
      int n = s.chapter().number();
      JsonObject prior = existing.get(n);
      String status = prior == null ? null : prior.getString("status");
      if ("done".equals(status)) {
        done++;
        continue;
      }
      if ("failed".equals(status)) {
        failed++;
        continue;
      }
      if (prior == null) {
        missing.add(s);
      }
      work.add(s.work());
    }
    schedule = new DocumentSchedule(work, config.reduceInputChars(), config.taskAttempts(), config.retryBackoffMs());
    // the rows of the chapters not stored yet (content hashes on a worker: the whole book's text);
    // their chunk counts are stored with their results
    Future<List<JsonObject>> rows = missing.isEmpty() ? Future.succeededFuture(List.of()) : vertx.executeBlocking(() -> {
      List<JsonObject> out = new ArrayList<>();
      for (Split s : missing) {
        out.add(new JsonObject().put("document_id", id).put("number", s.chapter().number())
            .put("heading", s.chapter().heading()).put("status", "pending").put("content_hash", sha256(s.chapter().text())));
      }
      return out;
    }, false);
    // meanwhile every chapter to do is chunked in book order, ahead of the schedule (which then
    // mostly finds its chunks cut instead of cutting them on the event loop)
    long t0 = System.nanoTime();
    vertx.executeBlocking(() -> {
      int chunks = 0;
      for (ChapterWork w : work) {
        if (!active()) {
          break;
        }
        chunks += w.chunks().size();
      }
      return chunks;
    }, false).onSuccess(chunks -> log.info("document {}: {} chunks in the {} chapters to do, cut in {} ms", id, chunks,
        work.size(), (System.nanoTime() - t0) / 1_000_000));
    planStored = splitting
        .compose(v -> rows)
        .compose(r -> r.isEmpty() ? Future.succeededFuture() : write("chapters", r.toArray(JsonObject[]::new)))
        .compose(v -> write("documents", new JsonObject().put("id", id).put("status", "running")
            .put("chapters_total", total).put("chapters_done", done).put("chapters_failed", failed)));
    planStored.onFailure(err -> {
      if (active()) {
        log.warn("document {}: chapter plan not stored ({}); another attempt on the next scan", id, err.getMessage());
        stop("the chapter plan could not be stored");
      }
    });
    return Future.succeededFuture();
  }

  // ---------------------------------------------------------------- tasks

  /** A task that missed the cache, with its cache key and request built before it takes a call slot. */
  record Prepared(Task task, String key, LlmRequest request) {}

  /** What the cache said about a task: its answer (a hit) or the call to make (a miss). */
  record Lookup(JsonObject cached, Prepared call) {}

  /**
   * Looks a task up in the cache and, on a miss, builds its request; marks its chapter running
   * (once its row is stored) on its first task. Null once this job ended. Never fails.
   */
  Future<Lookup> lookup(Task task) {
    if (!working()) {
      return Future.succeededFuture();
    }
    if (started.add(task.chapter())) {
      JsonObject running = new JsonObject().put("document_id", id).put("number", task.chapter()).put("status", "running");
      planStored.onSuccess(v -> write("chapters", running));
    }
    String key = cache.key(Prompts.operation(task.kind()), Prompts.input(task));
    return cached(task, key).otherwise((JsonObject) null)
        .map(hit -> hit != null ? new Lookup(hit, null) : new Lookup(null, new Prepared(task, key, Prompts.request(task))));
  }

  /** A task whose lookup failed (a bug, not the cache: that is a miss) counts as a failed attempt. */
  void lookupFailed(Task task, Throwable err) {
    if (working()) {
      failedAttempt(task, err);
    }
  }

  /** Applies a cached answer. */
  void answered(Task task, JsonObject value) {
    if (working()) {
      succeeded(task, value);
    }
  }

  /**
   * One LLM call (the caller holds a cluster-wide permit). Completes, never failed, as soon as the
   * provider answered, with the step that applies the answer: the caller hands its permit to the
   * next call first, so checking and storing a result never holds a call slot.
   */
  Future<Runnable> call(Prepared p) {
    if (!working()) {
      return Future.succeededFuture(() -> { });
    }
    long t0 = System.nanoTime();
    if (!firstCall) {
      firstCall = true;
      log.info("document {}: first LLM call {} ms after its claim", id, (t0 - claimedNs) / 1_000_000);
    }
    llmCalls++;
    Future<LlmResponse> answer;
    try {
      answer = llm.complete(p.request());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.transform(ar -> {
      metrics.stage(stageOf(p.task().kind()), System.nanoTime() - t0);
      return Future.succeededFuture(() -> apply(p, ar));
    });
  }

  private void apply(Prepared p, AsyncResult<LlmResponse> ar) {
    if (!working()) {
      return;
    }
    Throwable error = ar.failed() ? ar.cause() : null;
    JsonObject value = null;
    if (error == null) {
      try {
        value = Prompts.parse(p.task().kind(), ar.result().text());
      } catch (RuntimeException e) {
        error = e;
      }
    }
    if (error != null) {
      failedAttempt(p.task(), error);
      return;
    }
    cache.store(p.key(), value);
    succeeded(p.task(), value);
  }

  /** A MAP task looks up every chunk of its chapter in one query (shared by its chapter's tasks); others their own key. */
  private Future<JsonObject> cached(Task task, String key) {
    if (task.kind() != Kind.MAP) {
      return cache.lookup(List.of(key)).map(m -> m.get(key));
    }
    Future<Map<String, JsonObject>> chapter = mapCache.computeIfAbsent(task.chapter(), n -> cache.lookup(
        schedule.chunksOf(n).stream()
            .map(text -> cache.key(Prompts.operation(Kind.MAP), new JsonObject().put("heading", task.heading()).put("text", text)))
            .toList()));
    return chapter.map(m -> m.get(key));
  }

  private static String stageOf(Kind kind) {
    return switch (kind) {
      case MAP -> "map";
      case REDUCE -> "reduce";
      case TITLE -> "title";
    };
  }

  private void succeeded(Task task, JsonObject value) {
    if (task.kind() == Kind.TITLE) {
      stored(schedule.titled(task, value.getString("title"), value.getString("preview")));
      return;
    }
    if (task.kind() == Kind.MAP) {
      metrics.unit("chunk", true);
    }
    stored(schedule.succeeded(task, value.getString("summary")));
  }

  private void failedAttempt(Task task, Throwable err) {
    boolean terminal = err instanceof LlmException le && le.terminal();
    String reason = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    Outcome outcome = schedule.failed(task, reason, terminal, LlmDispatcher.now());
    if (outcome != null && task.kind() == Kind.MAP) {
      metrics.unit("chunk", false);
    }
    if (outcome == null) {
      log.debug("document {} {}: attempt {} failed, retried: {}", id, task, task.attempts(), reason);
    }
    stored(outcome);
  }

  // ---------------------------------------------------------------- results

  /** Stores a finished chapter; counts and announces it once db-writer committed it. */
  private void stored(Outcome o) {
    if (o == null) {
      return;
    }
    pendingStores++;
    mapCache.remove(o.number());
    JsonObject chapterRow = new JsonObject().put("document_id", id).put("number", o.number())
        .put("chunks", schedule.chunksOf(o.number()).size());
    if (o.done()) {
      chapterRow.put("status", "done").put("summary", o.summary()).put("title", o.title()).put("preview", o.preview())
          .putNull("error");
    } else {
      chapterRow.put("status", "failed").put("error", o.error());
    }
    planStored.compose(v -> storeWithRetry("chapters", chapterRow)).onComplete(ar -> {
      pendingStores--;
      if (!active()) {
        return;
      }
      if (ar.failed()) {
        log.warn("document {} chapter {} not stored: {}", id, o.number(), ar.cause().getMessage());
      }
      boolean ok = o.done() && ar.succeeded();
      if (ok) {
        done++;
      } else {
        failed++;
      }
      metrics.unit("chapter", ok);
      lastProgress = LlmDispatcher.now();
      JsonObject event = new JsonObject().put("document_id", id).put("number", o.number()).put("heading", o.heading())
          .put("title", o.title()).put("status", ok ? "done" : "failed");
      if (!ok) {
        event.put("error", o.done() ? "not stored: " + ar.cause().getMessage() : o.error());
      }
      events.emit("chapter_done", event);
      events.emit("document_progress", new JsonObject().put("document_id", id).put("chapters_done", done)
          .put("chapters_failed", failed).put("chapters_total", total));
      writeCounters(false);
      if (schedule.finished() && pendingStores == 0 && state == State.RUNNING) {
        finish();
      }
      if (pendingStores == 0 && storesSettled != null) {
        storesSettled.tryComplete();
      }
    });
  }

  /** Sends the row until db-writer confirms it, resending on refusal or silence, for up to {@link #STORE_DEADLINE_MS}. */
  private Future<Void> storeWithRetry(String table, JsonObject rowToStore) {
    return storeWithRetry(table, rowToStore, 1, System.nanoTime() + STORE_DEADLINE_MS * 1_000_000);
  }

  private Future<Void> storeWithRetry(String table, JsonObject rowToStore, int attempt, long deadlineNs) {
    return write(table, rowToStore).recover(err -> {
      long delay = Math.min(5_000, 100L << Math.min(attempt, 6));
      if (System.nanoTime() + delay * 1_000_000 >= deadlineNs || !active()) {
        return Future.failedFuture(err);
      }
      if (attempt == 1 || attempt % 10 == 0) {
        log.info("document {}: {} row not confirmed ({}), sending again", id, table, err.getMessage());
      }
      return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
          .compose(v -> storeWithRetry(table, rowToStore, attempt + 1, deadlineNs));
    });
  }

  /** The document's counters, at most every {@code progressWriteMs} (always when {@code now}). */
  private void writeCounters(boolean now) {
    long elapsed = LlmDispatcher.now() - lastCounterWrite;
    if (!now && elapsed < config.progressWriteMs()) {
      if (!counterWriteScheduled) {
        counterWriteScheduled = true;
        vertx.setTimer(config.progressWriteMs() - elapsed, t -> {
          counterWriteScheduled = false;
          if (state == State.RUNNING) {
            writeCounters(true);
          }
        });
      }
      return;
    }
    lastCounterWrite = LlmDispatcher.now();
    write("documents", new JsonObject().put("id", id).put("chapters_done", done).put("chapters_failed", failed)
        .put("llm_calls", llmCalls));
  }

  private void finish() {
    state = State.FINISHING;
    String status = failed == 0 ? "done" : done == 0 ? "failed" : "partial";
    end(status, null);
  }

  /** Writes the final row, announces {@code document_complete}, stores the events, and lets go. */
  private void end(String status, String error) {
    Instant finished = Instant.now();
    JsonObject update = new JsonObject().put("id", id).put("status", status).put("chapters_total", total)
        .put("chapters_done", done).put("chapters_failed", failed).put("llm_calls", llmCalls)
        .put("finished_at", finished.toString());
    String created = row.getString("created_at");
    if (created != null) {
      update.put("processing_time_ms", Math.max(0, finished.toEpochMilli() - Instant.parse(created).toEpochMilli()));
    }
    planStored.transform(x -> storeWithRetry("documents", update))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("document {} final status {} not stored: {}", id, status, ar.cause().getMessage());
          }
          metrics.completed(status);
          JsonObject data = new JsonObject().put("document_id", id).put("status", status).put("chapters_done", done)
              .put("chapters_failed", failed).put("chapters_total", total).put("llm_calls", llmCalls);
          if (error != null) {
            data.put("error", error);
          }
          if (events != null) {
            events.emit("document_complete", data);
          }
          log.info("document {} {}: {} of {} chapters done, {} failed, {} LLM calls", id, status, done, total, failed,
              llmCalls);
          release();
        });
  }

  /**
   * Hands the document back (the summarizer is stopping): no new LLM work, the answers of calls in
   * flight are dropped (the next owner makes those few calls again); the chapter rows being stored
   * are waited for and announced, then the counters and the events are stored, each step for at
   * most {@link #HAND_BACK_STEP_MS}; then the job ends here without a final status. The caller
   * clears the owner afterwards, so that the next owner numbers its events after ours and finds
   * every chapter this process finished. Never fails.
   */
  Future<Void> handBack() {
    if (state != State.RUNNING) {
      stop("the summarizer is stopping");
      return Future.succeededFuture();
    }
    state = State.STOPPING;
    int inFlight = pendingStores;
    storesSettled = io.vertx.core.Promise.promise();
    if (pendingStores == 0) {
      storesSettled.complete();
    }
    long t0 = System.nanoTime();
    return bounded(storesSettled.future())
        .compose(v -> bounded(write("documents", new JsonObject().put("id", id).put("chapters_done", done)
            .put("chapters_failed", failed).put("llm_calls", llmCalls))))
        .compose(v -> bounded(events.flush()))
        .map(v -> {
          SummarizerVerticle.say(java.util.logging.Level.INFO, "document %s stopped here: %d chapter row(s) in flight"
                  + " stored in %d ms (%d unconfirmed), %d of %d chapters done, events stored", id, inFlight - pendingStores,
              (System.nanoTime() - t0) / 1_000_000, pendingStores, done, total);
          if (state == State.STOPPING) { // not cancelled meanwhile
            release();
          }
          return null;
        });
  }

  /** Completes when {@code f} does or after {@link #HAND_BACK_STEP_MS}, whichever is first (never fails). */
  private Future<Void> bounded(Future<?> f) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(HAND_BACK_STEP_MS, t -> p.tryComplete());
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      p.tryComplete();
    });
    return p.future();
  }

  /** Stops work without storing anything more (cancelled, ownership lost, or the verticle stopping). */
  void stop(String why) {
    if (!active()) {
      return;
    }
    log.info("document {} stopped here: {}", id, why);
    if ("cancelled".equals(why) && events != null) {
      events.emit("document_complete", new JsonObject().put("document_id", id).put("status", "cancelled"));
    }
    release();
  }

  private void release() {
    state = State.ENDED;
    JobEventLog log = events;
    if (log != null) {
      log.flush().onComplete(ar -> log.close());
    }
    ended.accept(this);
  }

  // ---------------------------------------------------------------- storage helpers

  private Future<Void> write(String table, JsonObject... rows) {
    return vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite(table, List.of(rows)).toJson(), writeOptions).mapEmpty();
  }

  private Future<JsonArray> query(String name, JsonObject params) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", name).put("params", params))
        .map(m -> m.body().getJsonArray("rows", new JsonArray()));
  }

  /** The highest stored event seq (events continue after it when a document is taken over). */
  private Future<Long> lastEventSeq(long after) {
    int page = 10_000;
    return query(DbQueries.JOB_EVENTS, new JsonObject().put("job_id", id).put("after_seq", after).put("limit", page))
        .compose(rows -> {
          if (rows.isEmpty()) {
            return Future.succeededFuture(after);
          }
          long last = rows.getJsonObject(rows.size() - 1).getLong("seq");
          return rows.size() < page ? Future.succeededFuture(last) : lastEventSeq(last);
        });
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
