package io.gtm.engine;

import io.gtm.common.config.EngineConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes PostgreSQL and Redis once at start-up and says, in one line each, what the engine does
 * without them. Never fails the start: the services fall back (in-memory storage, per-process
 * rate limits, no cache) and the readiness checks keep reporting the state.
 */
final class Dependencies {
  private static final Logger log = LoggerFactory.getLogger(Dependencies.class);
  /**
   * Generous: several processes starting at once on a busy machine (a cluster on one host) took over
   * 2 s for a first PING and logged that Redis was unreachable while it was not.
   */
  static final long TIMEOUT_MS = 5000;

  private Dependencies() {}

  static Future<Void> probe(Vertx vertx, EngineConfig config, boolean postgres, boolean redis) {
    Future<Void> pg = postgres ? probePostgres(vertx, config.get("DATABASE_URL")) : Future.succeededFuture();
    Future<Void> rd = redis ? probeRedis(vertx, config.get("REDIS_URL")) : Future.succeededFuture();
    return Future.join(pg, rd).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  static Future<Void> probePostgres(Vertx vertx, String url) {
    URI uri = URI.create(url);
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    var client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS));
    return client.connect(port, host)
        .compose(socket -> socket.close())
        .onFailure(e -> log.warn("PostgreSQL unreachable at {}:{}: running on in-memory storage", host, port))
        .eventually(() -> client.close())
        .mapEmpty();
  }

  static Future<Void> probeRedis(Vertx vertx, String url) {
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(1));
    return redis.send(Request.cmd(Command.PING))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> log.warn("Redis unreachable at {} ({}): per-process rate limits and no cache until it answers",
            EngineConfig.redact(url), e.getMessage()))
        .eventually(() -> {
          redis.close();
          return Future.succeededFuture();
        })
        .mapEmpty();
  }
}
