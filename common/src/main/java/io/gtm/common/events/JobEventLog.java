package io.gtm.common.events;

import io.gtm.common.Addresses;
import io.gtm.common.model.DbWrite;
import io.gtm.common.model.JobEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of one job (research, document or report), written by whichever service owns
 * the job. Each event gets the next per-job sequence number, is published on
 * {@code events.job.<id>} for live subscribers, and is stored in {@code job_events} through the
 * db-writer so that a client who connects later is replayed everything in order. Storage is
 * asynchronous (the db-writer batches); {@link #flushed()} completes once every event emitted so
 * far is committed.
 */
public final class JobEventLog {
  private static final Logger log = LoggerFactory.getLogger(JobEventLog.class);
  private static final int MAX_STORE_ATTEMPTS = 8;

  private final Vertx vertx;
  private final String jobId;
  private final AtomicLong seq;
  private final AtomicInteger pending = new AtomicInteger();
  private Promise<Void> idle = null;

  /** A log continuing after {@code lastSeq} (0 for a new job; the stored maximum when taking a job over). */
  public JobEventLog(Vertx vertx, String jobId, long lastSeq) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.seq = new AtomicLong(lastSeq);
  }

  public String jobId() {
    return jobId;
  }

  public long lastSeq() {
    return seq.get();
  }

  /** Emits one event: numbered, published now, stored in the background. */
  public synchronized JobEvent emit(String type, JsonObject data) {
    JobEvent event = new JobEvent(jobId, seq.incrementAndGet(), type, data == null ? new JsonObject() : data);
    vertx.eventBus().publish(Addresses.jobEvents(jobId), event.toJson());
    pending.incrementAndGet();
    store(event, 1);
    return event;
  }

  /** Completes once every event emitted so far is stored (or given up after retries). */
  public synchronized Future<Void> flushed() {
    if (pending.get() == 0) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  private void store(JobEvent event, int attempt) {
    JsonObject row = new JsonObject().put("job_id", jobId).put("seq", event.seq())
        .put("type", event.type()).put("data", event.data());
    vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("job_events", List.of(row)).toJson(),
            new DeliveryOptions().setSendTimeout(60_000))
        .onSuccess(reply -> done())
        .onFailure(err -> {
          if (attempt >= MAX_STORE_ATTEMPTS) {
            log.warn("event {} #{} of job {} not stored after {} attempts: {}", event.type(), event.seq(), jobId,
                attempt, err.getMessage());
            done();
          } else {
            long delay = Math.min(10_000, 250L << Math.min(attempt, 6));
            vertx.setTimer(delay, t -> store(event, attempt + 1));
          }
        });
  }

  private synchronized void done() {
    if (pending.decrementAndGet() == 0 && idle != null) {
      Promise<Void> p = idle;
      idle = null;
      p.complete();
    }
  }
}
