package io.gtm.gateway.research;

import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.model.JobEvent;
import io.gtm.gateway.events.EventHub;
import io.gtm.gateway.events.EventWire;
import io.gtm.common.events.JobEventLog;
import io.gtm.gateway.events.StoredRows;
import io.gtm.gateway.research.internal.ResearchRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
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

  public ResearchRoutes(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Adds this part's routes to the gateway's router. */
  public Future<Void> mount(Router router) {
    for (String prefix : new String[] {"/api", ""}) {
      router.post(prefix + "/research/batch").handler(this::batch);
      router.post(prefix + "/research/batch/stream").handler(this::stream);
    }
    router.post("/api/research/jobs").handler(this::createJob);
    router.get("/api/research/jobs/:id").handler(this::getJob);
    router.delete("/api/research/jobs/:id").handler(this::deleteJob);
    new EventHub(vertx, ResearchRoutes::owner).mount(router);
    return Future.succeededFuture();
  }

  /** The caller's owner identity when API keys are configured; null when the API is open. */
  static String owner(RoutingContext ctx) {
    return io.gtm.gateway.http.HttpSupport.jobOwner(ctx);
  }

  private Future<ResearchJob> newJob(RoutingContext ctx) {
    return bodyJson(ctx).compose(body -> {
      ResearchRequest request = ResearchRequest.parse(body, config.getInt("MAX_PARALLEL_SEARCHES"),
          config.getInt("MAX_PARALLEL_SEARCHES_CAP"));
      io.gtm.gateway.http.HttpSupport.acquireJobSlot(ctx);
      String id = "r-" + UUID.randomUUID();
      String owner = owner(ctx);
      return JobEventLog.open(vertx, id, owner)
          .map(events -> new ResearchJob(vertx, config, id, request, owner, events));
    });
  }

  private void batch(RoutingContext ctx) {
    newJob(ctx).compose(job -> {
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
    newJob(ctx).onSuccess(job -> {
      HttpServerResponse res = ctx.response();
      res.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      Future<?>[] chain = {res.write("retry: 1000\n\n")};
      job.events().listen(event -> {
        JsonObject wire = event.toJson();
        wire.remove("owner");
        chain[0] = chain[0].compose(v -> writeSse(res, event, wire)).recover(err -> Future.succeededFuture());
        if (event.type().equals("completed") || event.type().equals("error")) {
          chain[0] = chain[0].compose(v -> res.end()).recover(err -> Future.succeededFuture());
        }
      });
      job.start();
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

  private void createJob(RoutingContext ctx) {
    newJob(ctx).onSuccess(job -> {
      ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/research/jobs/" + job.id())
          .end(new JsonObject().put("research_id", job.id()).put("status", "queued").encode());
      job.start();
    }).onFailure(err -> fail(ctx, err));
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
    jobState(ctx, id).compose(state -> StoredRows.page(vertx, DbQueries.COMPANY_RESULTS,
                new JsonObject().put("run_id", id).put("offset", offset).put("limit", limit))
            .map(rows -> {
              JsonArray results = new JsonArray();
              for (int i = 0; i < rows.size(); i++) {
                results.add(rows.getJsonObject(i).getValue("result"));
              }
              return state.put("offset", offset).put("limit", limit).put("results", results);
            }))
        .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
        .onFailure(err -> fail(ctx, err));
  }

  /** The job's state from this process if it runs here, else from {@code research_runs}; 404 if unknown or not the caller's. */
  private Future<JsonObject> jobState(RoutingContext ctx, String id) {
    ResearchJob local = ResearchJob.RUNNING.get(id);
    String caller = owner(ctx);
    if (local != null) {
      return visible(local.events() == null ? null : ownerOfLocal(local), caller, id).map(v -> local.statusJson());
    }
    return StoredRows.page(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", id)).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.failedFuture(notFound(id));
      }
      JsonObject row = rows.getJsonObject(0);
      return visible(row.getString("owner_key"), caller, id).map(v -> new JsonObject()
          .put("research_id", id).put("status", row.getString("status"))
          .put("total_companies", row.getInteger("total_companies", 0))
          .put("completed_companies", row.getInteger("completed_companies", 0))
          .put("search_performance", row.getJsonObject("search_performance",
              new JsonObject().put("queries_per_second", 0.0).put("failed_requests", 0)))
          .put("processing_time_ms", row.getLong("processing_time_ms")));
    });
  }

  private static String ownerOfLocal(ResearchJob job) {
    return job.owner();
  }

  private static Future<Void> visible(String jobOwner, String caller, String id) {
    return caller == null || jobOwner == null || jobOwner.equals(caller)
        ? Future.succeededFuture() : Future.failedFuture(notFound(id));
  }

  private void deleteJob(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ResearchJob local = ResearchJob.RUNNING.get(id);
    Future<JsonObject> result;
    if (local != null) {
      result = visible(local.owner(), owner(ctx), id).compose(v -> local.cancel())
          .map(v -> new JsonObject().put("research_id", id).put("status", local.status().name()));
    } else {
      result = jobState(ctx, id).map(state -> new JsonObject().put("research_id", id).put("status", state.getString("status")));
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

  /** The request body as a JSON object (from the body handler when one ran, else read here). */
  static Future<JsonObject> bodyJson(RoutingContext ctx) {
    Future<Buffer> body = ctx.body() != null && ctx.body().available()
        ? Future.succeededFuture(ctx.body().buffer())
        : ctx.request().body();
    return body.compose(buf -> {
      if (buf == null || buf.length() == 0) {
        return Future.failedFuture(new ApiException(ErrorCode.BAD_REQUEST, "request body must be a JSON object"));
      }
      try {
        Object json = io.vertx.core.json.Json.decodeValue(buf);
        if (json instanceof JsonObject o) {
          return Future.succeededFuture(o);
        }
      } catch (DecodeException e) {
        return Future.failedFuture(new ApiException(ErrorCode.BAD_REQUEST, "request body is not valid JSON"));
      }
      return Future.failedFuture(new ApiException(ErrorCode.BAD_REQUEST, "request body must be a JSON object"));
    });
  }

  /** Answers a failure as the JSON error body, never a stack trace. */
  static void fail(RoutingContext ctx, Throwable err) {
    ErrorCode code;
    String field = null;
    if (err instanceof ApiException a) {
      code = a.code();
      field = a.field();
    } else if (err instanceof ReplyException r) {
      code = r.failureType() == ReplyFailure.TIMEOUT ? ErrorCode.TIMEOUT
          : r.failureType() == ReplyFailure.NO_HANDLERS ? ErrorCode.UNAVAILABLE : ErrorCode.fromCode(r.failureCode());
    } else {
      log.warn("research request failed", err);
      code = ErrorCode.INTERNAL;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    String message = err.getMessage() == null ? code.label() : err.getMessage();
    if (err instanceof io.gtm.gateway.http.RetryAfterException r) {
      ctx.response().putHeader("Retry-After", String.valueOf(r.retryAfterSeconds()));
    }
    ctx.response().setStatusCode(code.code()).putHeader("Content-Type", "application/json")
        .end(ApiException.errorBody(code, message, field).encode());
  }
}
