package io.gtm.dbwriter;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.metrics.MetricNames;
import io.gtm.dbwriter.internal.BatchPlan;
import io.gtm.dbwriter.internal.Schema;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues rows and commits them in multi-row statements, at {@code batchRows} rows or after
 * {@code batchMs}, whichever comes first. One flush at a time, so rows for the same key are applied
 * in the order they arrived. A sender's future completes only once its rows are committed.
 *
 * <p>While the database is unreachable the batch is retried with backoff (nothing is acknowledged,
 * nothing dropped) and the queue fills up to its capacity, beyond which new writes fail
 * UNAVAILABLE. A batch the database rejects is split: each message is committed on its own, so
 * one bad message fails only its sender. Runs on one Vert.x context (the verticle's).
 */
final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
  static final String QUEUE_NAME = "db_writer";
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** Every live writer of the process, summed by the queue gauges (several verticle instances). */
  private static final Set<BatchWriter> LIVE = ConcurrentHashMap.newKeySet();

  private record Pending(Schema.Table table, List<Map<String, Object>> rows, Promise<Integer> done) {}

  private final Vertx vertx;
  private final DbStore store;
  private final DbWriterConfig config;
  private final DistributionSummary batchRows;
  private final Timer commitTimer;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private volatile int queuedRows;
  private volatile int inFlightRows;
  private boolean flushing;
  private boolean flushDue;
  private long timerId = -1;
  private boolean closed;
  /** Set while the database is unreachable: the reason, for health and the recovery line. */
  private volatile String unreachable;

  BatchWriter(Vertx vertx, DbStore store, DbWriterConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.batchRows = DistributionSummary.builder(MetricNames.DB_BATCH_ROWS)
        .description("Rows per committed batch")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(100_000.0)
        .register(registry);
    this.commitTimer = Timer.builder(MetricNames.DB_COMMIT)
        .description("Time to commit one batch")
        .publishPercentileHistogram()
        .register(registry);
    Gauge.builder(MetricNames.QUEUE_DEPTH, LIVE, writers -> writers.stream().mapToInt(w -> w.queuedRows + w.inFlightRows).sum())
        .tag(MetricNames.TAG_QUEUE, QUEUE_NAME).register(registry);
    Gauge.builder(MetricNames.QUEUE_CAPACITY, LIVE, writers -> writers.stream().mapToInt(w -> w.config.queueCapacity()).sum())
        .tag(MetricNames.TAG_QUEUE, QUEUE_NAME).register(registry);
    LIVE.add(this);
  }

  /** Rows queued or being committed. */
  int backlog() {
    return queuedRows + inFlightRows;
  }

  /** The reason the database is failing now, or null. */
  String unreachable() {
    return unreachable;
  }

  /** Queues normalised rows of one table; completes with the row count once committed. */
  Future<Integer> submit(Schema.Table table, List<Map<String, Object>> rows) {
    if (closed) {
      return Future.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "db-writer is stopping; send again"));
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    if (backlog() > 0 && backlog() + rows.size() > config.queueCapacity()) {
      return Future.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "db-writer queue is full ("
          + backlog() + " rows waiting, capacity " + config.queueCapacity() + "); send again later"));
    }
    Promise<Integer> done = Promise.promise();
    queue.add(new Pending(table, rows, done));
    queuedRows += rows.size();
    if (queuedRows >= config.batchRows()) {
      flush();
    } else if (timerId < 0) {
      timerId = vertx.setTimer(config.batchMs(), id -> {
        timerId = -1;
        flushDue = true;
        flush();
      });
    }
    return done.future();
  }

  /** Starts a flush unless one is running (it flushes again when done if rows are due). */
  private void flush() {
    if (flushing || queue.isEmpty()) {
      return;
    }
    flushing = true;
    flushDue = false;
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty() && (batch.isEmpty() || rows + queue.peek().rows().size() <= config.maxFlushRows())) {
      Pending p = queue.poll();
      batch.add(p);
      rows += p.rows().size();
    }
    queuedRows -= rows;
    inFlightRows = rows;
    if (queue.isEmpty() && timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    commitAll(batch)
        .onComplete(ar -> {
          inFlightRows = 0;
          flushing = false;
          if (queuedRows >= config.batchRows() || (flushDue && !queue.isEmpty())) {
            flush();
          } else if (!queue.isEmpty() && timerId < 0) {
            timerId = vertx.setTimer(config.batchMs(), id -> {
              timerId = -1;
              flushDue = true;
              flush();
            });
          }
        });
  }

  /** Commits the batch as one transaction, or message by message if the database rejects it. */
  private Future<Void> commitAll(List<Pending> batch) {
    BatchPlan plan = plan(batch);
    return commitRetrying(plan, 0)
        .onSuccess(v -> batch.forEach(p -> p.done().complete(p.rows().size())))
        .recover(err -> {
          if (batch.size() == 1) {
            batch.get(0).done().fail(err);
            return Future.succeededFuture();
          }
          log.warn("a batch of {} messages was rejected ({}); committing them one by one", batch.size(), err.getMessage());
          Future<Void> chain = Future.succeededFuture();
          for (Pending p : batch) {
            chain = chain.compose(v -> commitRetrying(plan(List.of(p)), 0)
                .onSuccess(ok -> p.done().complete(p.rows().size()))
                .otherwise(e -> {
                  p.done().fail(e);
                  return null;
                }));
          }
          return chain;
        });
  }

  private static BatchPlan plan(List<Pending> batch) {
    BatchPlan plan = new BatchPlan();
    for (Pending p : batch) {
      plan.add(p.table(), p.rows());
    }
    return plan;
  }

  /** Retries while the failure is the database being unreachable; fails on a rejected statement. */
  private Future<Void> commitRetrying(BatchPlan plan, int attempt) {
    long start = System.nanoTime();
    return store.commit(plan.segments())
        .onSuccess(v -> {
          commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          batchRows.record(plan.rowCount());
          if (unreachable != null) {
            log.info("PostgreSQL reachable again; writes resumed ({} rows waiting)", backlog());
            unreachable = null;
          }
        })
        .recover(err -> {
          if (!PgStore.isTransient(err) || closed) {
            return Future.failedFuture(err);
          }
          if (unreachable == null) {
            log.warn("PostgreSQL unreachable at {} ({}); writes are waiting and will be retried",
                store instanceof PgStore pg ? pg.target() : store.mode(), err.getMessage());
          }
          unreachable = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
          long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(attempt, 10));
          long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
          Promise<Void> retried = Promise.promise();
          vertx.setTimer(delay, id -> commitRetrying(plan, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }

  /** Flushes what is queued (waiting at most {@code timeoutMs}), then fails whatever is left. */
  Future<Void> close(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> drained = Promise.promise();
    drain(deadline, drained);
    return drained.future().onComplete(v -> {
      closed = true;
      LIVE.remove(this);
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      for (Pending p : queue) {
        p.done().fail(new ApiException(ErrorCode.UNAVAILABLE, "db-writer stopped before these rows were written; send again"));
      }
      queue.clear();
      queuedRows = 0;
    });
  }

  private void drain(long deadline, Promise<Void> drained) {
    if ((queue.isEmpty() && !flushing) || System.currentTimeMillis() >= deadline) {
      drained.tryComplete();
      return;
    }
    flushDue = true;
    flush();
    vertx.setTimer(20, id -> drain(deadline, drained));
  }
}
