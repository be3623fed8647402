package io.gtm.common.events;

import io.gtm.common.Addresses;
import io.gtm.common.model.DbWrite;
import io.gtm.common.model.JobEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of one job (research, document or report), on the process that runs it.
 * {@link #emit} numbers each event (the per-job {@code seq}, which is SSE's {@code id:} and the
 * JSON {@code id}), hands it to local listeners, publishes it on {@code events.job.<id>} and
 * queues it for storage in {@code job_events}; storage happens in batches, one write in flight at
 * a time, retried with backoff, never awaited by the emitter. WebSocket subscribers ask
 * {@link #flushAddress} to store everything emitted so far before they replay, which is what
 * makes replay-then-live gap-free; the reply also carries the job's owner.
 *
 * <p>The first event a log emits carries {@code owner} in its data (clients never see it: the
 * event hub removes it), so that a finished job's stored events say who may read them.
 *
 * <p>Used from the job's context only (not thread-safe).
 */
public final class JobEventLog {
  private static final Logger log = LoggerFactory.getLogger(JobEventLog.class);
  static final int BATCH = 500;
  /**
   * One write's send timeout. A db-writer killed with the write in flight never answers (the
   * clustered bus does not fail a request whose recipient died): the batch is resent after this,
   * and until then every later event, and every flush a WebSocket subscriber asks for, waits behind it.
   */
  static final long WRITE_TIMEOUT_MS = 10_000;
  /** A batch is resent (unanswered or refused) for this long before it is given up. */
  static final long WRITE_DEADLINE_MS = 600_000;
  /** How long a flush request waits for the store before it is answered {@code stored: false}. */
  static final long FLUSH_ANSWER_MS = 5_000;

  private final Vertx vertx;
  private final String jobId;
  private final String owner;
  private final long firstSeq;
  private final List<Consumer<JobEvent>> listeners = new ArrayList<>();
  private final ArrayDeque<JobEvent> pending = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final MessageConsumer<JsonObject> flushConsumer;
  private long seq;
  private long storedSeq;
  private boolean writing;
  private boolean scheduled;

  private record Waiter(long seq, Promise<Void> promise) {}

  /**
   * A log continuing after {@code lastSeq} (0 for a new job; the stored maximum when a job is taken
   * over after a crash), answering flush requests from now on.
   *
   * @param owner the API key identity that owns the job, or null when the API is open
   */
  public JobEventLog(Vertx vertx, String jobId, String owner, long lastSeq) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.owner = owner;
    this.seq = lastSeq;
    this.storedSeq = lastSeq;
    this.firstSeq = lastSeq + 1;
    this.flushConsumer = vertx.eventBus().consumer(flushAddress(jobId), this::answerFlush);
  }

  /**
   * Answers a subscriber's flush request once everything emitted so far is stored, or after
   * {@link #FLUSH_ANSWER_MS} with {@code stored: false} when the store is not taking writes (a
   * db-writer restart): the subscriber learns the job is live and whose it is, and that a replay
   * from storage would not be complete yet.
   */
  private void answerFlush(io.vertx.core.eventbus.Message<JsonObject> msg) {
    boolean[] answered = {false};
    long timer = vertx.setTimer(FLUSH_ANSWER_MS, t -> {
      if (!answered[0]) {
        answered[0] = true;
        msg.reply(flushAnswer(false));
      }
    });
    flush().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (!answered[0]) {
        answered[0] = true;
        msg.reply(flushAnswer(ar.succeeded()));
      }
    });
  }

  private JsonObject flushAnswer(boolean stored) {
    return new JsonObject().put("last_seq", seq).put("owner", owner).put("stored", stored);
  }

  /** A new job's log, with no owner check. */
  public JobEventLog(Vertx vertx, String jobId, long lastSeq) {
    this(vertx, jobId, null, lastSeq);
  }

  /** Opens the log of a new job once its flush address is registered (cluster-wide). */
  public static Future<JobEventLog> open(Vertx vertx, String jobId, String owner) {
    return open(vertx, jobId, owner, 0);
  }

  public static Future<JobEventLog> open(Vertx vertx, String jobId, String owner, long lastSeq) {
    JobEventLog l = new JobEventLog(vertx, jobId, owner, lastSeq);
    return l.flushConsumer.completion().map(l);
  }

  public static String flushAddress(String jobId) {
    return Addresses.jobEvents(jobId) + ".flush";
  }

  public String jobId() {
    return jobId;
  }

  public long lastSeq() {
    return seq;
  }

  /** Local listeners (an SSE response, a test) see every event synchronously, in order. */
  public void listen(Consumer<JobEvent> listener) {
    listeners.add(listener);
  }

  /** Numbers, delivers, publishes and queues for storage one event. */
  public JobEvent emit(String type, JsonObject data) {
    JsonObject body = data == null ? new JsonObject() : data;
    if (seq + 1 == firstSeq && owner != null && !body.containsKey("owner")) {
      body = body.copy().put("owner", owner);
    }
    JobEvent event = new JobEvent(jobId, ++seq, type, body);
    for (Consumer<JobEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.warn("event listener of job {} failed: {}", jobId, e.toString());
      }
    }
    vertx.eventBus().publish(Addresses.jobEvents(jobId), event.toJson());
    pending.add(event);
    if (!writing && !scheduled) {
      scheduled = true;
      // let the events of this turn of the loop join one batch
      vertx.runOnContext(v -> {
        scheduled = false;
        writeNext();
      });
    }
    return event;
  }

  /** Completes once every event emitted so far is stored (or given up after retries). */
  public Future<Void> flush() {
    if (storedSeq >= seq) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiters.add(new Waiter(seq, p));
    if (!writing && !scheduled) {
      writeNext();
    }
    return p.future();
  }

  /** Same as {@link #flush()}. */
  public Future<Void> flushed() {
    return flush();
  }

  /** Stores what is left and stops answering flush requests. */
  public Future<Void> close() {
    return flush().eventually(() -> flushConsumer.unregister());
  }

  private void writeNext() {
    if (writing || pending.isEmpty()) {
      return;
    }
    writing = true;
    List<JsonObject> rows = new ArrayList<>(Math.min(BATCH, pending.size()));
    long last = 0;
    while (!pending.isEmpty() && rows.size() < BATCH) {
      JobEvent e = pending.poll();
      rows.add(new JsonObject().put("job_id", jobId).put("seq", e.seq()).put("type", e.type()).put("data", e.data()));
      last = e.seq();
    }
    write(rows, last, 1, System.currentTimeMillis());
  }

  private void write(List<JsonObject> rows, long upTo, int attempt, long since) {
    vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("job_events", rows).toJson(),
            new DeliveryOptions().setSendTimeout(WRITE_TIMEOUT_MS))
        .onSuccess(ok -> stored(upTo))
        .onFailure(err -> {
          if (System.currentTimeMillis() - since >= WRITE_DEADLINE_MS) {
            log.warn("storing {} events of job {} failed after {} attempts: {}", rows.size(), jobId, attempt,
                err.getMessage());
            stored(upTo);
          } else {
            // no db-writer (killed, restarting), its queue full or PostgreSQL away: wait and resend (idempotent),
            // for as long as a db-writer restart may take: a count of attempts would give up within a minute
            vertx.setTimer(Math.min(5_000, 100L << Math.min(attempt, 6)), t -> write(rows, upTo, attempt + 1, since));
          }
        });
  }

  private void stored(long upTo) {
    writing = false;
    storedSeq = upTo;
    while (!waiters.isEmpty() && waiters.peek().seq <= storedSeq) {
      waiters.poll().promise.complete();
    }
    writeNext();
  }
}
