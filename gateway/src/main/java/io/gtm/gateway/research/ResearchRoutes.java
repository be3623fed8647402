package io.gtm.gateway.research;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.model.DbWrite;
import io.gtm.common.model.JobEvent;
import io.gtm.gateway.events.EventHub;
import io.gtm.gateway.events.EventWire;
import io.gtm.common.events.JobEventLog;
import io.gtm.gateway.events.StoredRows;
import io.gtm.gateway.http.EventLoops;
import io.gtm.gateway.http.HttpSupport;
import io.gtm.gateway.research.internal.ResearchRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The research routes of the API (ARCHITECTURE.md section 5): the batch, its SSE stream, the
 * asynchronous jobs, and the WebSocket {@code /ws} of the {@link EventHub}.
 */
public final class ResearchRoutes {
  private static final Logger log = LoggerFactory.getLogger(ResearchRoutes.class);
  static final int DEFAULT_PAGE = 1000;
  static final int MAX_PAGE = 10_000;

  private final Vertx vertx;
  private final EngineConfig config;
  private ResearchTakeover takeover;
  /** Where jobs run: every event loop but the one serving HTTP (set once mounted). */
  private JobContexts jobs;

  public ResearchRoutes(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * Adds this part's routes to the gateway's router; jobs are coordinated away from {@code http},
   * the context whose event loop serves the routes.
   */
  public Future<Void> mount(Router router, Context http) {
    for (String prefix : new String[] {"/api", ""}) {
      router.post(prefix + "/research/batch").handler(this::batch);
      router.post(prefix + "/research/batch/stream").handler(this::stream);
    }
    router.post("/api/research/jobs").handler(this::createJob);
    router.get("/api/research/jobs/:id").handler(this::getJob);
    router.delete("/api/research/jobs/:id").handler(this::deleteJob);
    new EventHub(vertx, ResearchRoutes::owner).mount(router);
    return JobContexts.create(vertx, http).map(contexts -> {
      jobs = contexts;
      log.debug("research jobs coordinated on {} event loop(s) apart from HTTP", contexts.size());
      takeover = new ResearchTakeover(vertx, config, contexts);
      takeover.start();
      return null;
    });
  }

  /** Hands the jobs coordinated here back to the cluster (another gateway takes them over). */
  public Future<Void> stop() {
    return takeover == null ? Future.succeededFuture() : takeover.stop();
  }

  /** The caller's owner identity when API keys are configured; null when the API is open. */
  static String owner(RoutingContext ctx) {
    return HttpSupport.jobOwner(ctx);
  }

  /**
   * A validated job, counted against the caller's job quota (an invalid request is not), created
   * on a job context where {@code then} runs too; the result completes on the caller's context.
   */
  private <T> Future<T> newJob(RoutingContext ctx, Function<ResearchJob, Future<T>> then) {
    ResearchRequest request;
    try {
      request = ResearchRequest.parse(HttpSupport.bodyJson(ctx), config.getInt("MAX_PARALLEL_SEARCHES"),
          config.getInt("MAX_PARALLEL_SEARCHES_CAP"));
      HttpSupport.acquireJobSlot(ctx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String id = "r-" + UUID.randomUUID();
    String owner = owner(ctx);
    String node = takeover.node();
    return jobs.call(() -> JobEventLog.open(vertx, id, owner)
        .map(events -> new ResearchJob(vertx, config, id, request, owner, events, node))
        .compose(then));
  }

  private void batch(RoutingContext ctx) {
    newJob(ctx, job -> {
      job.start();
      return job.done();
    }).onSuccess(summary -> writeBatchResponse(ctx.response(), summary))
        .onFailure(err -> fail(ctx, err));
  }

  /** The batch response, its results streamed from storage as they are read. */
  private void writeBatchResponse(HttpServerResponse res, JsonObject summary) {
    res.setChunked(true).putHeader("Content-Type", "application/json");
    JsonObject head = summary.copy();
    JsonObject perf = head.getJsonObject("search_performance");
    head.remove("search_performance");
    String open = head.encode();
    res.write(open.substring(0, open.length() - 1) + ",\"results\":")
        .compose(v -> StoredRows.writeArray(vertx, DbQueries.COMPANY_RESULTS,
            new JsonObject().put("run_id", summary.getString("research_id")), "result", res::write))
        .compose(v -> res.end(",\"search_performance\":" + perf.encode() + "}"))
        .onFailure(err -> {
          log.warn("writing the batch response failed: {}", err.getMessage());
          res.reset();
        });
  }

  private void stream(RoutingContext ctx) {
    // the job emits on its context; its events are written here, in order, once the headers are out
    Context http = vertx.getOrCreateContext();
    HttpServerResponse res = ctx.response();
    Promise<Void> opened = Promise.promise();
    Future<?>[] chain = {opened.future()};
    newJob(ctx, job -> {
      job.events().listen(event -> {
        JsonObject wire = event.toJson();
        wire.remove("owner");
        boolean last = event.type().equals("completed") || event.type().equals("error");
        http.runOnContext(v -> {
          chain[0] = chain[0].compose(x -> writeSse(res, event, wire)).recover(err -> Future.succeededFuture());
          if (last) {
            chain[0] = chain[0].compose(x -> res.end()).recover(err -> Future.succeededFuture());
          }
        });
      });
      job.start();
      return Future.succeededFuture(job);
    }).onSuccess(job -> {
      res.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      res.write("retry: 1000\n\n").onComplete(opened);
    }).onFailure(err -> fail(ctx, err));
  }

  private Future<Void> writeSse(HttpServerResponse res, JobEvent event, JsonObject wire) {
    if (res.ended() || res.closed()) {
      return Future.succeededFuture();
    }
    return res.write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: ")
        .compose(v -> EventWire.write(vertx, wire, res::write))
        .compose(v -> res.write("\n\n"));
  }

  /** Answers 202 once the run is stored: from then on the job survives the death of this gateway. */
  private void createJob(RoutingContext ctx) {
    newJob(ctx, job -> job.start().map(job)).onSuccess(job ->
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .putHeader("Location", "/api/research/jobs/" + job.id())
            .end(new JsonObject().put("research_id", job.id()).put("status", "queued").encode())
    ).onFailure(err -> fail(ctx, err));
  }

  private void getJob(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int offset;
    int limit;
    try {
      offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
      limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    } catch (ApiException e) {
      fail(ctx, e);
      return;
    }
    jobState(ctx, id).compose(known -> StoredRows.read(vertx, DbQueries.COMPANY_RESULTS,
                new JsonObject().put("run_id", id).put("offset", offset).put("limit", limit), readTimeoutMs())
            .map(rows -> {
              JsonArray results = new JsonArray();
              for (int i = 0; i < rows.size(); i++) {
                results.add(rows.getJsonObject(i).getValue("result"));
              }
              return known.state().put("offset", offset).put("limit", limit).put("results", results);
            })
            // a running job is answered from its coordinator's memory while the store is away
            // (db-writer killed or restarting): its counters are live, its stored results cannot be listed now
            .recover(err -> known.live() && StoredRows.unanswered(err)
                ? Future.succeededFuture(known.state().put("offset", offset).put("limit", limit).put("results", new JsonArray())
                    .put("results_available", false))
                : Future.failedFuture(err)))
        // a page of up to MAX_PAGE results is encoded on a worker, not on the event loop serving HTTP
        .compose(json -> vertx.executeBlocking(json::encode, false))
        .onSuccess(text -> ctx.response().putHeader("Content-Type", "application/json").end(text))
        .onFailure(err -> fail(ctx, err));
  }

  /** How long a client's read waits for the store before it is answered otherwise ({@code GATEWAY_READ_TIMEOUT_MS}). */
  private long readTimeoutMs() {
    return config.getInt("GATEWAY_READ_TIMEOUT_MS");
  }

  /**
   * The job's state from this process if it runs here (or is storing its end), else from
   * {@code research_runs}; 404 if unknown or not the caller's, 503 when the store does not answer.
   */
  private Future<KnownJob> jobState(RoutingContext ctx, String id) {
    ResearchJob local = ResearchJob.live(id);
    if (local != null) {
      return visible(ctx, local.owner(), id).compose(v -> EventLoops.onContext(vertx, local.context(),
          () -> Future.succeededFuture(new KnownJob(local.statusJson(), true))));
    }
    return storedState(ctx, id).map(state -> new KnownJob(state, false)).recover(err -> StoredRows.unanswered(err)
        // the store is away: the gateway coordinating the job, if one does, answers from memory
        ? vertx.eventBus().<JsonObject>request(Addresses.researchStatus(id), new JsonObject(),
                new DeliveryOptions().setSendTimeout(readTimeoutMs()))
            .recover(none -> Future.failedFuture(err))
            .compose(reply -> visible(ctx, reply.body().getString("owner"), id)
                .map(v -> new KnownJob(reply.body().getJsonObject("state"), true)))
        : Future.failedFuture(err));
  }

  /** A job's state, and whether it comes from the job running now (else from storage). */
  private record KnownJob(JsonObject state, boolean live) {}

  private Future<JsonObject> storedState(RoutingContext ctx, String id) {
    return StoredRows.read(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", id), readTimeoutMs()).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.failedFuture(notFound(id));
      }
      JsonObject row = rows.getJsonObject(0);
      return visible(ctx, row.getString("owner_key"), id).map(v -> new JsonObject()
          .put("research_id", id).put("status", row.getString("status"))
          .put("total_companies", row.getInteger("total_companies", 0))
          .put("completed_companies", row.getInteger("completed_companies", 0))
          .put("search_performance", row.getJsonObject("search_performance",
              new JsonObject().put("queries_per_second", 0.0).put("failed_requests", 0)))
          .put("processing_time_ms", row.getLong("processing_time_ms")));
    });
  }

  /** Another key's job is answered as unknown (404), never as forbidden. */
  private static Future<Void> visible(RoutingContext ctx, String jobOwner, String id) {
    return HttpSupport.mayAccess(ctx, jobOwner) ? Future.succeededFuture() : Future.failedFuture(notFound(id));
  }

  private void deleteJob(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ResearchJob local = ResearchJob.live(id);
    Future<JsonObject> result;
    if (local != null) {
      // cancelled in memory at once; the answer waits for the cancellation to be stored, but not longer
      // than a read would (db-writer away: the job stores it when the writer is back)
      result = visible(ctx, local.owner(), id).compose(v -> Future.any(
              EventLoops.onContext(vertx, local.context(), local::cancel), vertx.timer(readTimeoutMs())))
          .map(v -> new JsonObject().put("research_id", id).put("status", local.status().name()));
    } else {
      // running on another gateway: it cancels it; if none answers, the stored run is marked cancelled
      // (a gateway that still coordinates it sees that at its next claim renewal and stops)
      result = jobState(ctx, id).map(KnownJob::state).compose(state -> !"running".equals(state.getString("status"))
          && !"queued".equals(state.getString("status"))
          ? Future.succeededFuture(new JsonObject().put("research_id", id).put("status", state.getString("status")))
          : vertx.eventBus().<JsonObject>request(Addresses.researchCancel(id), new JsonObject(),
                  new DeliveryOptions().setSendTimeout(ResearchJob.WRITE_DEADLINE_MS))
              .map(m -> m.body())
              .recover(err -> vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("research_runs", List.of(
                      new JsonObject().put("id", id).put("status", "cancelled").put("finished_at", System.currentTimeMillis())))
                  .toJson(), new DeliveryOptions().setSendTimeout(ResearchJob.WRITE_DEADLINE_MS))
                  .map(v -> new JsonObject().put("research_id", id).put("status", "cancelled"))));
    }
    result.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
        .onFailure(err -> fail(ctx, err));
  }

  private static ApiException notFound(String id) {
    return new ApiException(ErrorCode.NOT_FOUND, "no research job " + id);
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw ApiException.invalid(name, name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, name + " must be a whole number", name);
    }
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    HttpSupport.fail(ctx, err);
  }
}
