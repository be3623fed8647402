package io.gtm.common.resilience;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide sliding-window rate limit kept in Redis: one sorted set per limit holds every
 * grant of the last window (score = Redis server time in ms, member = id:weight) and an atomic
 * Lua script grants or answers the wait until enough weight leaves the window. Every process of
 * the cluster shares the key, and Redis's own clock, so the limit holds across processes.
 *
 * <p>Waiters queue locally (first come, first served) and one Redis call at a time serves the
 * head of the queue; a refused head waits on a timer for exactly the time the script named.
 * When Redis cannot be reached the limiter falls back to a per-process {@link SlidingWindow}
 * with one WARNING line, and goes back to Redis once it answers again. A Redis that is only slow
 * (calls time out) is waited for up to {@link #SLOW_REDIS_GRACE_MS} first: on a loaded machine a
 * late answer is no reason to grant outside the shared window.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  static final long REDIS_TIMEOUT_MS = 2_000;
  static final long REDIS_RETRY_MS = 2_000;
  /** Redis timing out (slow, not refusing) is waited for this long before the per-process fallback. */
  static final long SLOW_REDIS_GRACE_MS = 10_000;
  static final long SLOW_REDIS_RETRY_MS = 50;

  // KEYS[1] grants (zset), KEYS[2] sum of weights in the window; ARGV limit, windowMs, weight, id
  static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local limit = tonumber(ARGV[1])
      local window = tonumber(ARGV[2])
      local weight = tonumber(ARGV[3])
      local used = tonumber(redis.call('GET', KEYS[2]) or '0')
      local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
      if #expired > 0 then
        for _, m in ipairs(expired) do
          used = used - tonumber(string.match(m, ':(%d+)$'))
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
      end
      if used < 0 or redis.call('ZCARD', KEYS[1]) == 0 then used = 0 end
      if redis.call('ZSCORE', KEYS[1], ARGV[4] .. ':' .. weight) then
        return 0
      end
      if used + weight <= limit or used == 0 then
        redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. weight)
        redis.call('SET', KEYS[2], used + weight, 'PX', window * 2)
        redis.call('PEXPIRE', KEYS[1], window * 2)
        return 0
      end
      redis.call('SET', KEYS[2], used, 'PX', window * 2)
      local need = used + weight - limit
      local freed = 0
      local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
      for i = 1, #entries, 2 do
        freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
        if freed >= need then
          return math.max(1, tonumber(entries[i + 1]) + window - now)
        end
      end
      return math.max(1, tonumber(entries[#entries]) + window - now)
      """;

  private final Vertx vertx;
  private final Redis redis;
  private final String name;
  private final String key;
  private final long limit;
  private final long windowMs;
  private final LongSupplier clock;
  private final SlidingWindow local;
  private final String idPrefix = UUID.randomUUID().toString().substring(0, 8) + "-";
  private final AtomicLong ids = new AtomicLong();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private boolean busy;
  private boolean fallback;
  private long lastRedisFailure;
  /** When the current run of Redis timeouts began (-1: Redis answered last time). */
  private long slowSince = -1;

  /** A queued acquire; {@code id} names its grant in Redis, the same on every attempt (a retry after a late answer is not granted twice). */
  private record Waiter(long weight, String id, Promise<Void> promise, Context context) {}

  /**
   * @param key      the Redis key shared by every process enforcing this limit
   * @param limit    units per window (positive)
   * @param windowMs the window length, 60,000 for per-minute limits
   */
  public RedisRateLimiter(Vertx vertx, Redis redis, String name, String key, long limit, long windowMs) {
    this(vertx, redis, name, key, limit, windowMs, System::currentTimeMillis);
  }

  RedisRateLimiter(Vertx vertx, Redis redis, String name, String key, long limit, long windowMs, LongSupplier clock) {
    this.vertx = vertx;
    this.redis = redis;
    this.name = name;
    this.key = key;
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
    this.local = new SlidingWindow(limit, windowMs);
  }

  public String name() {
    return name;
  }

  /** True while Redis is unreachable and the per-process window is in force. */
  public synchronized boolean isFallback() {
    return fallback;
  }

  @Override
  public Future<Void> acquire(long weight) {
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      waiters.addLast(new Waiter(weight, idPrefix + ids.incrementAndGet(), promise, vertx.getOrCreateContext()));
    }
    pump();
    return promise.future();
  }

  /** Serves the head of the queue: one decision in flight at a time, so grants are FIFO. */
  private void pump() {
    Waiter head;
    synchronized (this) {
      if (busy || waiters.isEmpty()) {
        return;
      }
      busy = true;
      head = waiters.peekFirst();
    }
    decide(head.weight(), head.id()).onComplete(ar -> {
      long wait = ar.succeeded() ? ar.result() : 0;
      if (wait <= 0) {
        Waiter granted;
        synchronized (this) {
          granted = waiters.pollFirst();
          busy = false;
        }
        granted.context().runOnContext(v -> granted.promise().complete());
        pump();
      } else {
        vertx.setTimer(wait, id -> {
          synchronized (this) {
            busy = false;
          }
          pump();
        });
      }
    });
  }

  /** 0 when granted, else the wait in ms. */
  private Future<Long> decide(long weight, String id) {
    boolean useRedis;
    synchronized (this) {
      useRedis = !fallback || clock.getAsLong() - lastRedisFailure >= REDIS_RETRY_MS;
    }
    if (!useRedis) {
      return Future.succeededFuture(localDecide(weight));
    }
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(2).arg(key).arg(key + ":sum")
        .arg(limit).arg(windowMs).arg(weight).arg(id);
    return redis.send(eval)
        .timeout(REDIS_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(r -> {
          synchronized (this) {
            slowSince = -1;
            if (fallback) {
              fallback = false;
              log.info("rate limit {}: Redis is back, the limit is cluster-wide again", name);
            }
          }
          return r.toLong();
        })
        .recover(err -> {
          // Redis errors (ErrorType) are Throwables that are not Exceptions: recover sees them all
          synchronized (this) {
            long now = clock.getAsLong();
            if (!fallback && isTimeout(err)) {
              // slow, not gone (a loaded machine): keep asking Redis rather than grant outside the
              // shared window, unless it stays silent for SLOW_REDIS_GRACE_MS
              if (slowSince < 0) {
                slowSince = now;
              }
              if (now - slowSince < SLOW_REDIS_GRACE_MS) {
                return Future.succeededFuture(SLOW_REDIS_RETRY_MS);
              }
            }
            slowSince = -1;
            lastRedisFailure = now;
            if (!fallback) {
              fallback = true;
              log.warn("rate limit {}: Redis unreachable ({}), enforcing {} per {} ms in this process only",
                  name, String.valueOf(err.getMessage()), limit, windowMs);
            }
          }
          return Future.succeededFuture(localDecide(weight));
        });
  }

  private static boolean isTimeout(Throwable err) {
    return err instanceof java.util.concurrent.TimeoutException || err.getClass().getSimpleName().contains("Timeout");
  }

  private synchronized long localDecide(long weight) {
    return local.tryAcquire(clock.getAsLong(), weight);
  }
}
