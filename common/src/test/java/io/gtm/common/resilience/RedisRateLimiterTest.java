package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.redis.RedisConnections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisRateLimiterTest {
  private static final String REDIS = "redis://127.0.0.1:6379";
  private final Vertx a = Vertx.vertx();
  private final Vertx b = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    a.close().await(5, TimeUnit.SECONDS);
    b.close().await(5, TimeUnit.SECONDS);
  }

  private static RedisRateLimiter limiter(Vertx vertx, String url, String key, long limit, long windowMs) {
    return new RedisRateLimiter(vertx, RedisConnections.shared(vertx, url), "test", key, limit, windowMs);
  }

  @Test
  void anAttemptRepeatedAfterALateAnswerIsNotGrantedTwice() throws Exception {
    String key = "test:rl:" + UUID.randomUUID();
    io.vertx.redis.client.Redis redis = RedisConnections.shared(a, REDIS);
    // the same acquire asked twice (its first answer came after the client's timeout): one grant
    for (int attempt = 0; attempt < 2; attempt++) {
      io.vertx.redis.client.Response r = redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.EVAL)
          .arg(RedisRateLimiter.SCRIPT).arg(2).arg(key).arg(key + ":sum").arg(10).arg(60_000).arg(3).arg("acq-1"))
          .await(5, TimeUnit.SECONDS);
      assertThat(r.toLong()).as("attempt %d granted", attempt).isZero();
    }
    assertThat(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.ZCARD).arg(key))
        .await(5, TimeUnit.SECONDS).toInteger()).as("grants recorded").isEqualTo(1);
    assertThat(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.GET).arg(key + ":sum"))
        .await(5, TimeUnit.SECONDS).toInteger()).as("weight used").isEqualTo(3);
  }

  @Test
  void twoInstancesSharingAKeyNeverExceedTheLimitInAnyWindowAndUseIt() throws Exception {
    String key = "test:rl:" + UUID.randomUUID();
    int limit = 10;
    int window = 500;
    RedisRateLimiter la = limiter(a, REDIS, key, limit, window);
    RedisRateLimiter lb = limiter(b, REDIS, key, limit, window);
    List<Long> grants;
    try (RedisMonitor monitor = RedisMonitor.start(key)) {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(la.acquire(1));
        all.add(lb.acquire(1));
      }
      Future.all(all).await(30, TimeUnit.SECONDS);
      // each grant as Redis decided it: the script's ZADD, scored with the Redis clock (ms). When
      // this JVM saw the answer is no measure of the limit: a starved JVM sees answers late.
      grants = new ArrayList<>(monitor.await(c -> c.name().equals("ZADD"), 40, 10_000).stream()
          .map(c -> c.longArg(2)).sorted().toList());
    }
    // one grant per acquire; on a starved machine a few more: an EVAL answered after the client's
    // 2 s timeout (REDIS_TIMEOUT_MS) was granted in Redis but is asked again, and the unused grant
    // still counts against the limit (wasted capacity, never an excess)
    assertThat(grants).hasSizeBetween(40, 40 + 5);
    assertThat(la.isFallback()).isFalse();
    assertThat(lb.isFallback()).isFalse();
    int mostInAWindow = 0;
    for (int i = 0; i < grants.size(); i++) {
      long from = grants.get(i);
      int inWindow = (int) grants.stream().filter(t -> t >= from && t < from + window).count();
      mostInAWindow = Math.max(mostInAWindow, inWindow);
    }
    // never more than the limit in any window, no slack: 11 grants within 500 ms of Redis time
    // would break it (exactly what the two processes sharing the key must not do)
    assertThat(mostInAWindow).as("most grants in any %d ms of Redis time", window).isLessThanOrEqualTo(limit);
    // and the limit is used: some window holds all 10, and 40 grants take 3 windows plus the
    // time the processes need to come back when capacity frees (a timer and a Redis round trip;
    // allowed: one more window per wait, which a starved JVM stays well within)
    assertThat(mostInAWindow).as("most grants in any %d ms of Redis time", window).isEqualTo(limit);
    long span = grants.get(grants.size() - 1) - grants.get(0);
    System.out.printf("RATE-LIMIT 40 grants at %d per %d ms: first to last %d ms of Redis time%n", limit, window, span);
    assertThat(span).as("first to last grant, Redis time ms").isBetween(3L * window, 6L * window);
  }

  @Test
  void withRedisDownTheLimitHoldsPerProcess() throws Exception {
    RedisRateLimiter la = limiter(a, "redis://127.0.0.1:1", "test:rl:down", 3, 400);
    long start = System.currentTimeMillis();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(la.acquire(1));
    }
    Future.all(all).await(10, TimeUnit.SECONDS);
    assertThat(la.isFallback()).isTrue();
    assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(800); // 3 + 3 + 1: two waits
  }
}
