package io.gtm.gateway.events;

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
 * The event stream of one job, on the process that runs it. {@link #emit} numbers each event
 * (the per-job {@code seq}, which is SSE's {@code id:} and the JSON {@code id}), hands it to local
 * listeners, publishes it on {@code events.job.<id>} and queues it for storage in
 * {@code job_events}; storage happens in batches, one write in flight at a time, never awaited by
 * the emitter. {@link EventHub} subscribers ask {@link #flushAddress} to store everything emitted
 * so far before they replay, which is what makes replay-then-live gap-free.
 *
 * <p>Used from the job's context only (not thread-safe).
 */
public final class JobEventLog {
  private static final Logger log = LoggerFactory.getLogger(JobEventLog.class);
  static final int BATCH = 500;
  private static final long WRITE_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final String jobId;
  private final String owner;
  private final List<Consumer<JobEvent>> listeners = new ArrayList<>();
  private final ArrayDeque<JobEvent> pending = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private MessageConsumer<JsonObject> flushConsumer;
  private long seq;
  private long storedSeq;
  private boolean writing;
  private boolean scheduled;

  private record Waiter(long seq, Promise<Void> promise) {}

  private JobEventLog(Vertx vertx, String jobId, String owner) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.owner = owner;
  }

  /**
   * Opens the log of a new job and answers flush requests for it.
   *
   * @param owner the API key identity that owns the job, or null when the API is open
   */
  public static Future<JobEventLog> open(Vertx vertx, String jobId, String owner) {
    JobEventLog l = new JobEventLog(vertx, jobId, owner);
    l.flushConsumer = vertx.eventBus().consumer(flushAddress(jobId), msg ->
        l.flush().onComplete(ar -> msg.reply(new JsonObject().put("last_seq", l.seq).put("owner", l.owner))));
    return l.flushConsumer.completion().map(l);
  }

  /** Where a subscriber asks the job's owner to store its events: reply {@code {last_seq, owner}}. */
  public static String flushAddress(String jobId) {
    return Addresses.jobEvents(jobId) + ".flush";
  }

  public String jobId() {
    return jobId;
  }

  public long lastSeq() {
    return seq;
  }

  /** Called synchronously with every event from now on (e.g. the SSE stream of the job's creator). */
  public void listen(Consumer<JobEvent> listener) {
    listeners.add(listener);
  }

  /** Numbers, delivers, publishes and queues for storage one event. */
  public JobEvent emit(String type, JsonObject data) {
    JobEvent event = new JobEvent(jobId, ++seq, type, data == null ? new JsonObject() : data);
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

  /** Completes once every event emitted so far is stored. */
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
    long upTo = last;
    vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("job_events", rows).toJson(),
            new DeliveryOptions().setSendTimeout(WRITE_TIMEOUT_MS))
        .onFailure(err -> log.warn("storing {} events of job {} failed: {}", rows.size(), jobId, err.getMessage()))
        .onComplete(ar -> {
          writing = false;
          storedSeq = upTo;
          while (!waiters.isEmpty() && waiters.peek().seq <= storedSeq) {
            waiters.poll().promise.complete();
          }
          writeNext();
        });
  }
}
