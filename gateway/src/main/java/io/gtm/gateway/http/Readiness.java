package io.gtm.gateway.http;

import io.gtm.common.Addresses;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.ReadinessChecks;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /health/live} and {@code /health/ready} (Vert.x health-check JSON; 503 when a check is
 * DOWN). Ready checks: {@code postgres} (the db-writer answers {@code db.health} UP in postgres
 * mode), {@code redis} (PING), {@code cluster} (node ids in {@code data.members}) and every check
 * registered in {@link ReadinessChecks} (one {@code provider.<name>} per provider breaker).
 */
public final class Readiness {
  public static final long DB_TIMEOUT_MS = 2000;
  public static final long REDIS_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final String redisUrl;
  private final Redis redis;
  private final HealthCheckHandler ready;
  private final HealthCheckHandler live;
  private final Set<String> extraIds = new HashSet<>();

  public Readiness(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.redisUrl = config.get("REDIS_URL");
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
        .setMaxPoolSize(2).setMaxPoolWaiting(16));
    this.live = HealthCheckHandler.create(vertx).register("process", p -> p.complete(Status.OK()));
    this.ready = HealthCheckHandler.create(vertx)
        .register("postgres", DB_TIMEOUT_MS + 500, this::postgres)
        .register("redis", REDIS_TIMEOUT_MS + 500, this::redis)
        .register("cluster", this::cluster);
  }

  public Handler<RoutingContext> liveHandler() {
    return live;
  }

  /** Picks up checks registered since the last request, then runs them all. */
  public Handler<RoutingContext> readyHandler() {
    return ctx -> {
      syncExtraChecks();
      ready.handle(ctx);
    };
  }

  public Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }

  private synchronized void syncExtraChecks() {
    Map<String, Supplier<JsonObject>> now = ReadinessChecks.all();
    for (String id : Set.copyOf(extraIds)) {
      if (!now.containsKey(id)) {
        ready.unregister(id);
        extraIds.remove(id);
      }
    }
    now.forEach((id, check) -> {
      if (extraIds.add(id)) {
        ready.register(id, p -> {
          // the check registered now under this id, which may have been replaced since
          Supplier<JsonObject> current = ReadinessChecks.all().getOrDefault(id, check);
          JsonObject r = ReadinessChecks.evaluate(current);
          boolean up = "UP".equals(r.getString("status"));
          JsonObject data = r.copy();
          data.remove("status");
          p.complete(new Status().setOk(up).setData(data));
        });
      }
    });
  }

  private void postgres(Promise<Status> p) {
    vertx.eventBus().<JsonObject>request(Addresses.DB_HEALTH, new JsonObject(),
            new DeliveryOptions().setSendTimeout(DB_TIMEOUT_MS))
        .onSuccess(reply -> {
          JsonObject body = reply.body() == null ? new JsonObject() : reply.body();
          boolean up = "UP".equals(body.getString("status")) && "postgres".equals(body.getString("mode"));
          JsonObject data = body.copy();
          data.remove("status");
          p.complete(new Status().setOk(up).setData(data));
        })
        .onFailure(e -> p.complete(Status.KO(new JsonObject().put("reason", "db-writer did not answer: " + e.getMessage()))));
  }

  private void redis(Promise<Status> p) {
    redis.send(Request.cmd(Command.PING))
        .timeout(REDIS_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(r -> p.complete(Status.OK()))
        .onFailure(e -> p.complete(Status.KO(new JsonObject()
            .put("reason", "Redis unreachable at " + io.gtm.common.config.EngineConfig.redact(redisUrl)))));
  }

  private void cluster(Promise<Status> p) {
    JsonArray members = new JsonArray();
    Cluster.members(vertx).forEach(members::add);
    p.complete(Status.OK(new JsonObject().put("node", Cluster.nodeId(vertx)).put("members", members)));
  }
}
