package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.redis.RedisConnections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
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

  private static RedisRateLimiter limiter(Vertx vertx, String url, String key, int limit, long windowMs) {
    return new RedisRateLimiter(vertx, RedisConnections.shared(vertx, url), "test", key, limit, windowMs);
  }

  @Test
  void twoInstancesSharingAKeyNeverExceedTheLimitInAnyWindowAndUseIt() throws Exception {
    String key = "test:rl:" + UUID.randomUUID();
    RedisRateLimiter la = limiter(a, REDIS, key, 10, 500);
    RedisRateLimiter lb = limiter(b, REDIS, key, 10, 500);
    List<Long> grants = Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> all = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      all.add(la.acquire(1).onSuccess(v -> grants.add(System.currentTimeMillis())));
      all.add(lb.acquire(1).onSuccess(v -> grants.add(System.currentTimeMillis())));
    }
    Future.all(all).await(10, TimeUnit.SECONDS);
    long elapsed = System.currentTimeMillis() - start;
    List<Long> sorted = new ArrayList<>(grants);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(40);
    for (int i = 10; i < sorted.size(); i++) {
      // 11 grants within one window would break the limit: their gap would be near 0, not near 500 ms
      // (slack: a grant is seen here after Redis decided it, up to ~200 ms later on a loaded machine)
      assertThat(sorted.get(i) - sorted.get(i - 10)).isGreaterThanOrEqualTo(500 - 200);
    }
    assertThat(la.isFallback()).isFalse();
    // 40 grants at 10 per 500 ms: 3 full waits, and not much more
    assertThat(elapsed).isBetween(1_450L, 5_000L);
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
