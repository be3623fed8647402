package io.gtm.summarizer;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.events.JobEventLog;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
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

  private enum State { LOADING, RUNNING, FINISHING, ENDED }

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

  private State state = State.LOADING;
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

  /** Loads, splits and stores the chapters, then hands the work to the dispatcher (through {@code wake}). */
  void start() {
    Future.all(query(DbQueries.DOCUMENT_CONTENT, new JsonObject().put("id", id)),
            query(DbQueries.CHAPTERS, new JsonObject().put("document_id", id)), lastEventSeq(0))
        .compose(all -> {
          JsonArray content = all.resultAt(0);
          JsonArray stored = all.resultAt(1);
          long seq = all.resultAt(2);
          return JobEventLog.open(vertx, id, row.getString("owner_key"), seq).compose(log -> {
            events = log;
            String text = content.isEmpty() ? null : content.getJsonObject(0).getString("content");
            if (text == null) {
              return Future.failedFuture(new IllegalStateException("the document has no stored text"));
            }
            Future<?> splitting = "queued".equals(row.getString("status"))
                ? write("documents", new JsonObject().put("id", id).put("status", "splitting")) : Future.succeededFuture();
            return splitting.compose(v -> split(text)).compose(chapters -> storeChapters(chapters, stored));
          });
        })
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

  private record Split(Chapter chapter, List<String> chunks) {}

  /** Splitting and chunking a whole book is CPU work: on a worker thread. */
  private Future<List<Split>> split(String text) {
    long t0 = System.nanoTime();
    Chunker chunker = new Chunker(config.chunkSize(), config.chunkOverlap(), config.chunkThreshold());
    return vertx.executeBlocking(() -> {
      List<Split> out = new ArrayList<>();
      for (Chapter c : ChapterSplitter.split(text)) {
        List<String> chunks = chunker.chunk(c.text()).stream().map(Chunker.Chunk::text).toList();
        out.add(new Split(c, chunks));
      }
      return out;
    }, false).onSuccess(x -> {
      metrics.stage("split", System.nanoTime() - t0);
      log.info("document {} split in {} ms: {} chapters, {} chunks", id, (System.nanoTime() - t0) / 1_000_000, x.size(),
          x.stream().mapToInt(sp -> sp.chunks().size()).sum());
    });
  }

  /**
   * Plans the chapters still to do and starts them at once; meanwhile the missing chapter rows are
   * stored as {@code pending} (never touching stored ones; content hashes computed on a worker)
   * and the document as {@code running}. No chapter result is stored before that plan is.
   */
  private Future<Void> storeChapters(List<Split> chapters, JsonArray stored) {
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
      work.add(new ChapterWork(n, s.chapter().heading(), s.chunks()));
    }
    schedule = new DocumentSchedule(work, config.reduceInputChars(), config.taskAttempts(), config.retryBackoffMs());
    Future<?> chapterRows = missing.isEmpty() ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      List<JsonObject> rows = new ArrayList<>();
      for (Split s : missing) {
        rows.add(new JsonObject().put("document_id", id).put("number", s.chapter().number())
            .put("heading", s.chapter().heading()).put("status", "pending").put("content_hash", sha256(s.chapter().text()))
            .put("chunks", s.chunks().size()));
      }
      return rows;
    }, false).compose(rows -> write("chapters", rows.toArray(JsonObject[]::new)));
    planStored = chapterRows.compose(v -> write("documents", new JsonObject().put("id", id).put("status", "running")
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

  /** The cached answer of a task, or null (a miss); marks its chapter running on its first task. */
  Future<JsonObject> lookup(Task task) {
    if (!active()) {
      return Future.succeededFuture();
    }
    if (started.add(task.chapter())) {
      write("chapters", new JsonObject().put("document_id", id).put("number", task.chapter()).put("status", "running"));
    }
    return cached(task, cache.key(Prompts.operation(task.kind()), Prompts.input(task))).otherwise((JsonObject) null);
  }

  /** Applies a cached answer. */
  void answered(Task task, JsonObject value) {
    if (active()) {
      succeeded(task, value);
    }
  }

  /** One LLM call (the caller holds a cluster-wide permit), then its result applied. Always completes. */
  Future<Void> call(Task task) {
    if (!active()) {
      return Future.succeededFuture();
    }
    String key = cache.key(Prompts.operation(task.kind()), Prompts.input(task));
    return call(task, key).transform(ar -> {
      if (active()) {
        if (ar.succeeded()) {
          succeeded(task, ar.result());
        } else {
          failedAttempt(task, ar.cause());
        }
      }
      return Future.succeededFuture();
    });
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

  private Future<JsonObject> call(Task task, String key) {
    long t0 = System.nanoTime();
    llmCalls++;
    Future<LlmResponse> answer;
    try {
      answer = llm.complete(Prompts.request(task));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.andThen(ar -> metrics.stage(stageOf(task.kind()), System.nanoTime() - t0)).map(response -> {
      JsonObject value = Prompts.parse(task.kind(), response.text());
      cache.store(key, value);
      return value;
    });
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
    JsonObject chapterRow = new JsonObject().put("document_id", id).put("number", o.number());
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
