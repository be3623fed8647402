package io.gtm.common.resilience;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide semaphore of {@code limit} permits in Redis (e.g. {@code LLM_CONCURRENCY}):
 * a sorted set of leases scored by their expiry (Redis time). Holders renew their leases every
 * {@code leaseMs / 3}; a dead process's leases expire and the permits come back. Waiters queue
 * locally (FIFO) and are served at once when a local permit is released, and by polling every
 * {@code pollMs} for permits released elsewhere. A process refused a permit is marked waiting (for
 * a second or so); {@link #othersWaiting()} tells holders elsewhere, which then give permits back
 * rather than pass them on, and let the waiting process try first. When Redis is unreachable the
 * limit holds per process (one WARNING line) until Redis answers again. A Redis that is only slow
 * (a round trip over {@link #REDIS_TIMEOUT_MS}) is asked again for up to {@link #SLOW_REDIS_GRACE_MS}
 * first, and leases a timed-out call is granted late are given back.
 */
public final class DistributedSemaphore {
  private static final Logger log = LoggerFactory.getLogger(DistributedSemaphore.class);
  public static final long DEFAULT_LEASE_MS = 30_000;
  public static final long DEFAULT_POLL_MS = 20;

  // KEYS[1] leases, KEYS[2] processes waiting; ARGV limit, leaseMs, process, waitMs, ids... -> how many of the
  // ids were granted (the first ones). A process not granted all it asked for is marked waiting for waitMs,
  // so holders elsewhere know to give permits back.
  private static final String ACQUIRE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      local wanted = #ARGV - 4
      local n = math.min(wanted, tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1]))
      for i = 1, n do
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4 + i])
      end
      if n > 0 then
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
      end
      if n >= wanted then
        redis.call('ZREM', KEYS[2], ARGV[3])
        return wanted
      end
      redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
      redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
      return math.max(n, 0)
      """;
  // KEYS[1] processes waiting; ARGV process -> how many other processes wait for a permit
  private static final String OTHERS_WAITING = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      local n = redis.call('ZCARD', KEYS[1])
      if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
        n = n - 1
      end
      return n
      """;
  // KEYS[1] leases; ARGV leaseMs, ids... -> renews the leases still held
  private static final String RENEW = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      for i = 2, #ARGV do
        redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
      end
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
      return 1
      """;

  private final Vertx vertx;
  private final Redis redis;
  private final String key;
  private final int limit;
  private final long leaseMs;
  private final long pollMs;
  private final String idPrefix = UUID.randomUUID().toString().substring(0, 8) + "-";
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  /** One acquire round trip's time limit; a Redis slower than this is asked again, not yet given up. */
  static final long REDIS_TIMEOUT_MS = 2_000;
  /** Redis timing out (slow, not refusing) is waited for this long before the per-process fallback. */
  static final long SLOW_REDIS_GRACE_MS = 10_000;
  /** When Redis first timed out in a row of timeouts (System.nanoTime), or -1. */
  private long slowSince = -1;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final String waitingKey;
  private final long waitMarkMs;
  private final long renewTimer;
  private final long othersTimer;
  private volatile boolean othersWaiting;
  private boolean busy;
  private boolean pollScheduled;
  private boolean fallback;
  private boolean closed;
  private int localHeld;

  private record Waiter(Promise<Permit> promise, Context context) {}

  public DistributedSemaphore(Vertx vertx, Redis redis, String key, int limit) {
    this(vertx, redis, key, limit, DEFAULT_LEASE_MS, DEFAULT_POLL_MS);
  }

  public DistributedSemaphore(Vertx vertx, Redis redis, String key, int limit, long leaseMs, long pollMs) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    this.vertx = vertx;
    this.redis = redis;
    this.key = key;
    this.limit = limit;
    this.leaseMs = leaseMs;
    this.pollMs = pollMs;
    this.waitingKey = key + ":waiting";
    this.waitMarkMs = Math.max(1_000, 10 * pollMs);
    this.renewTimer = vertx.setPeriodic(Math.max(1, leaseMs / 3), id -> renew());
    this.othersTimer = vertx.setPeriodic(Math.max(50, 5 * pollMs), id -> checkOthersWaiting());
    // the connection is opened now, not on the way to the first permit
    redis.send(Request.cmd(Command.PING)).onFailure(err -> log.debug("semaphore {}: Redis not answering yet: {}", key,
        err.getMessage()));
  }

  /**
   * The cluster's semaphore {@code name} with {@code limit} permits, in the Redis of
   * {@code REDIS_URL} under a key scoped by {@code CLUSTER_NAME}; e.g.
   * {@code DistributedSemaphore.create(vertx, config, "llm", config.getInt("LLM_CONCURRENCY"))}.
   */
  public static DistributedSemaphore create(Vertx vertx, io.gtm.common.config.EngineConfig config, String name, int limit) {
    String url = config.get("REDIS_URL", "redis://127.0.0.1:6379");
    String key = "gtm:" + config.get("CLUSTER_NAME", "gtm") + ":semaphore:" + name;
    return new DistributedSemaphore(vertx, io.gtm.common.redis.RedisConnections.shared(vertx, url), key, limit);
  }

  public int limit() {
    return limit;
  }

  /** Permits this process holds now. */
  public int held() {
    return held.size() + localCount();
  }

  private synchronized int localCount() {
    return localHeld;
  }

  /** Completes when a permit is granted; release it with any of the {@link Permit} methods. */
  public Future<Permit> acquire() {
    Promise<Permit> p = Promise.promise();
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("semaphore " + key + " closed"));
      }
      waiters.addLast(new Waiter(p, vertx.getOrCreateContext()));
    }
    if (othersWaiting) {
      vertx.setTimer(pollMs, t -> pump()); // another process waits: it gets a chance at the next free permit
    } else {
      pump();
    }
    return p.future();
  }

  /**
   * True when another process was refused a permit lately (checked every {@code 5 x pollMs} while
   * this one holds permits). A holder that hands its permits from call to call should give one
   * back now and then while this is true; while it is false, nobody else is waiting.
   */
  public boolean othersWaiting() {
    return othersWaiting;
  }

  /**
   * Stops renewing leases, gives back every lease still held (in one call to Redis) and fails the
   * waiters; a permit granted by a request already under way is given back as it arrives. Call
   * when the owner stops: another process need not wait for the leases to expire (a killed
   * process's leases still do). Completes once Redis answered (or after a second); never fails.
   */
  public Future<Void> close() {
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(othersTimer);
    List<Waiter> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : dropped) {
      w.context().runOnContext(v -> w.promise().tryFail(new IllegalStateException("semaphore " + key + " closed")));
    }
    List<String> leases = new ArrayList<>(held);
    held.removeAll(leases);
    if (leases.isEmpty()) {
      return Future.succeededFuture();
    }
    Request zrem = Request.cmd(Command.ZREM).arg(key);
    leases.forEach(zrem::arg);
    return redis.send(zrem).timeout(1, TimeUnit.SECONDS)
        .onFailure(err -> log.debug("semaphore {}: leases not given back ({}), they expire", key, err.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private void checkOthersWaiting() {
    if (held.isEmpty()) {
      othersWaiting = false;
      return;
    }
    redis.send(Request.cmd(Command.EVAL).arg(OTHERS_WAITING).arg(1).arg(waitingKey).arg(idPrefix))
        .onSuccess(r -> othersWaiting = r.toInteger() > 0)
        .onFailure(err -> othersWaiting = true); // unknown: be fair
  }

  private void pump() {
    List<Waiter> batch = new ArrayList<>();
    synchronized (this) {
      if (busy || waiters.isEmpty()) {
        return;
      }
      busy = true;
      for (Waiter w : waiters) { // the first waiters, as many as could be served at once (one round trip)
        if (batch.size() == limit) {
          break;
        }
        batch.add(w);
      }
    }
    tryTake(batch.size()).onComplete(ar -> {
      List<Permit> granted = ar.succeeded() ? ar.result() : List.of();
      boolean schedulePoll = false;
      boolean late;
      synchronized (this) {
        busy = false;
        late = closed;
        if (!late) {
          for (int i = 0; i < granted.size(); i++) {
            waiters.pollFirst();
          }
          if (granted.size() < batch.size() && !pollScheduled) {
            pollScheduled = true;
            schedulePoll = true;
          }
        }
      }
      if (late) { // granted after close: nobody waits for them any more
        granted.forEach(Permit::onIgnore);
        return;
      }
      for (int i = 0; i < granted.size(); i++) {
        Waiter w = batch.get(i);
        Permit permit = granted.get(i);
        w.context().runOnContext(v -> {
          if (!w.promise().tryComplete(permit)) {
            permit.onIgnore(); // the waiter was dropped by close meanwhile
          }
        });
      }
      if (granted.size() == batch.size()) {
        pump(); // waiters that came meanwhile
      } else if (schedulePoll) {
        vertx.setTimer(pollMs, t -> {
          synchronized (this) {
            pollScheduled = false;
          }
          pump();
        });
      }
    });
  }

  /** Up to {@code wanted} permits (fewer when not that many are free), in one round trip. */
  private Future<List<Permit>> tryTake(int wanted) {
    boolean local;
    synchronized (this) {
      local = fallback;
    }
    if (local && attempts.incrementAndGet() % 50 != 0) {
      // retry Redis now and then; until it answers, count locally
      return Future.succeededFuture(takeLocal(wanted));
    }
    List<String> leaseIds = new ArrayList<>(wanted);
    Request eval = Request.cmd(Command.EVAL).arg(ACQUIRE).arg(2).arg(key).arg(waitingKey).arg(limit).arg(leaseMs)
        .arg(idPrefix).arg(waitMarkMs);
    for (int i = 0; i < wanted; i++) {
      String id = idPrefix + ids.incrementAndGet();
      leaseIds.add(id);
      eval.arg(id);
    }
    Future<io.vertx.redis.client.Response> sent = redis.send(eval);
    return sent.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).map(r -> {
      synchronized (this) {
        if (fallback) {
          fallback = false;
          log.info("semaphore {}: Redis is back, the limit is cluster-wide again", key);
        }
      }
      List<Permit> out = new ArrayList<>();
      for (int i = 0; i < r.toInteger(); i++) {
        held.add(leaseIds.get(i));
        out.add(new LeasePermit(leaseIds.get(i), false));
      }
      synchronized (this) {
        slowSince = -1;
      }
      return out;
    }).recover(err -> {
      boolean timedOut = err instanceof java.util.concurrent.TimeoutException;
      if (timedOut) {
        // the call may still run in Redis: leases it grants late are nobody's, so give them back
        sent.onSuccess(r -> {
          for (String id : leaseIds.subList(0, Math.min(leaseIds.size(), r.toInteger()))) {
            redis.send(Request.cmd(Command.ZREM).arg(key).arg(id));
          }
        });
      }
      synchronized (this) {
        long now = System.nanoTime();
        if (!fallback && timedOut) {
          // slow, not gone (a loaded machine): ask Redis again on the next poll rather than count
          // outside the shared limit, unless it stays silent for SLOW_REDIS_GRACE_MS
          if (slowSince < 0) {
            slowSince = now;
          }
          if (now - slowSince < TimeUnit.MILLISECONDS.toNanos(SLOW_REDIS_GRACE_MS)) {
            return Future.succeededFuture(List.<Permit>of());
          }
        }
        slowSince = -1;
        if (!fallback) {
          fallback = true;
          log.warn("semaphore {}: Redis unreachable ({}), limiting to {} in this process only", key,
              String.valueOf(err.getMessage()), limit);
        }
      }
      return Future.succeededFuture(takeLocal(wanted));
    });
  }

  private synchronized List<Permit> takeLocal(int wanted) {
    List<Permit> out = new ArrayList<>();
    while (out.size() < wanted && held.size() + localHeld < limit) {
      localHeld++;
      out.add(new LeasePermit(null, true));
    }
    return out;
  }

  private void renew() {
    if (held.isEmpty()) {
      return;
    }
    Request eval = Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(key).arg(leaseMs);
    held.forEach(eval::arg);
    redis.send(eval).onFailure(err -> log.debug("semaphore {}: lease renewal failed: {}", key, err.getMessage()));
  }

  private final class LeasePermit implements Permit {
    private final String id;
    private final boolean local;
    private final AtomicBoolean released = new AtomicBoolean();

    LeasePermit(String id, boolean local) {
      this.id = id;
      this.local = local;
    }

    private void release() {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      if (local) {
        synchronized (DistributedSemaphore.this) {
          localHeld--;
        }
        pump();
        return;
      }
      held.remove(id);
      redis.send(Request.cmd(Command.ZREM).arg(key).arg(id)).onComplete(ar -> {
        if (othersWaiting) {
          // another process polls for this permit: its turn first, the waiters here try after a poll
          vertx.setTimer(pollMs, t -> pump());
        } else {
          pump();
        }
      });
    }

    @Override
    public void onSuccess() {
      release();
    }

    @Override
    public void onDropped() {
      release();
    }

    @Override
    public void onIgnore() {
      release();
    }
  }
}
