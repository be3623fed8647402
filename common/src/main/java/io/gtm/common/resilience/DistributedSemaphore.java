package io.gtm.common.resilience;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayDeque;
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
 * limit holds per process (one WARNING line) until Redis answers again.
 */
public final class DistributedSemaphore {
  private static final Logger log = LoggerFactory.getLogger(DistributedSemaphore.class);
  public static final long DEFAULT_LEASE_MS = 30_000;
  public static final long DEFAULT_POLL_MS = 20;

  // KEYS[1] leases, KEYS[2] processes waiting; ARGV limit, leaseMs, id, process, waitMs -> 1 granted, 0 full
  // (a process refused a permit is marked waiting for waitMs, so holders elsewhere know to give theirs back)
  private static final String ACQUIRE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        redis.call('ZREM', KEYS[2], ARGV[4])
        return 1
      end
      redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
      redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) * 2)
      return 0
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

  /** Stops renewing leases (the held ones then expire); call when the owner stops. */
  public void close() {
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(othersTimer);
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
    Waiter head;
    synchronized (this) {
      if (busy || waiters.isEmpty()) {
        return;
      }
      busy = true;
      head = waiters.peekFirst();
    }
    String id = idPrefix + ids.incrementAndGet();
    tryTake(id).onComplete(ar -> {
      Permit granted = ar.succeeded() ? ar.result() : null;
      boolean schedulePoll = false;
      synchronized (this) {
        busy = false;
        if (granted != null) {
          waiters.pollFirst();
        } else if (!pollScheduled) {
          pollScheduled = true;
          schedulePoll = true;
        }
      }
      if (granted != null) {
        head.context().runOnContext(v -> head.promise().complete(granted));
        pump();
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

  /** A permit, or null when none is free. */
  private Future<Permit> tryTake(String id) {
    boolean local;
    synchronized (this) {
      local = fallback;
    }
    if (local) {
      // retry Redis now and then; until it answers, count locally
      if (ids.get() % 50 != 0) {
        return Future.succeededFuture(takeLocal());
      }
    }
    Request eval = Request.cmd(Command.EVAL).arg(ACQUIRE).arg(2).arg(key).arg(waitingKey).arg(limit).arg(leaseMs)
        .arg(id).arg(idPrefix).arg(waitMarkMs);
    return redis.send(eval).timeout(1, TimeUnit.SECONDS).map(r -> {
      synchronized (this) {
        if (fallback) {
          fallback = false;
          log.info("semaphore {}: Redis is back, the limit is cluster-wide again", key);
        }
      }
      if (r.toInteger() == 1) {
        held.add(id);
        return (Permit) new LeasePermit(id, false);
      }
      return null;
    }).recover(err -> {
      synchronized (this) {
        if (!fallback) {
          fallback = true;
          log.warn("semaphore {}: Redis unreachable ({}), limiting to {} in this process only", key,
              String.valueOf(err.getMessage()), limit);
        }
      }
      return Future.succeededFuture(takeLocal());
    });
  }

  private synchronized Permit takeLocal() {
    if (held.size() + localHeld < limit) {
      localHeld++;
      return new LeasePermit(null, true);
    }
    return null;
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
