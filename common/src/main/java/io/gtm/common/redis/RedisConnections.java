package io.gtm.common.redis;

import io.gtm.common.config.EngineConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One pooled Redis client per Vert.x instance and URL, shared by the limiters and semaphores of
 * this process. The pool's wait queue is unbounded so that a burst of limiter calls queues
 * instead of failing (which would look like Redis being down).
 */
public final class RedisConnections {
  private static final Map<Vertx, Map<String, Redis>> CLIENTS = new WeakHashMap<>();

  private RedisConnections() {}

  public static synchronized Redis shared(Vertx vertx, String url) {
    return CLIENTS.computeIfAbsent(vertx, v -> new HashMap<>()).computeIfAbsent(url, u ->
        Redis.createClient(vertx, new RedisOptions().setConnectionString(u).setMaxPoolSize(8).setMaxPoolWaiting(-1)));
  }

  /** {@code REDIS_URL} with any password masked, for log lines. */
  public static String describe(String url) {
    return EngineConfig.redact(url);
  }
}
