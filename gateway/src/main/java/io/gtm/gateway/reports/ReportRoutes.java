package io.gtm.gateway.reports;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.gateway.events.StoredRows;
import io.gtm.gateway.http.HttpSupport;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code POST /api/reports}, {@code GET /api/reports/{id}}, {@code DELETE /api/reports/{id}}. */
public final class ReportRoutes {
  static final AtomicInteger ACTIVE = new AtomicInteger();

  private final Vertx vertx;
  private final EngineConfig config;
  private final Map<String, ReportJob> running = new ConcurrentHashMap<>();

  public ReportRoutes(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Adds this part's routes to the gateway's router. */
  public Future<Void> mount(Router router) {
    Metrics.registry().gauge(MetricNames.JOBS_ACTIVE, Tags.of(MetricNames.TAG_KIND, "report"), ACTIVE);
    router.post("/api/reports").handler(this::create);
    router.get("/api/reports/:id").handler(this::get);
    router.delete("/api/reports/:id").handler(this::cancel);
    return Future.succeededFuture();
  }

  private void create(RoutingContext ctx) {
    ReportRequest request;
    try {
      request = ReportRequest.parse(HttpSupport.bodyJson(ctx));
      HttpSupport.acquireJobSlot(ctx);
    } catch (RuntimeException e) {
      HttpSupport.fail(ctx, e);
      return;
    }
    String id = "rpt_" + UUID.randomUUID().toString().replace("-", "");
    String owner = owner(ctx);
    ownEvidence(request, owner)
        .compose(req -> {
          ReportJob job = new ReportJob(vertx, id, req, owner, config.getInt("REPORT_SECTION_CONCURRENCY"),
              config.getInt("PROVIDER_TIMEOUT_MS") * (long) (config.getInt("PROVIDER_MAX_RETRIES") + 2));
          return job.create(owner).map(job);
        })
        .onSuccess(job -> {
          running.put(id, job);
          job.run().onComplete(ar -> running.remove(id));
          ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("report_id", id).encode());
        })
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    load(id, owner(ctx))
        .onSuccess(report -> ctx.response().putHeader("Content-Type", "application/json").end(report.encode()))
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  private void cancel(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    load(id, owner(ctx))
        .compose(report -> {
          ReportJob job = running.remove(id);
          if (job != null) {
            job.cancel();
          }
          String status = report.getString("status");
          if (!"running".equals(status)) {
            return Future.succeededFuture(report);
          }
          JsonObject row = new JsonObject().put("id", id).put("status", "cancelled");
          return vertx.eventBus().request(Addresses.DB_WRITE,
                  new io.gtm.common.model.DbWrite("reports", java.util.List.of(row)).toJson())
              .map(v -> report.put("status", "cancelled"));
        })
        .onSuccess(report -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("report_id", id).put("status", report.getString("status")).encode()))
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  /**
   * The request as given when its {@code research_id} is the caller's run (or none); otherwise
   * without it: another key's run is treated as unknown, so its evidence never reaches this report
   * and the answer does not tell whether that run exists.
   */
  private Future<ReportRequest> ownEvidence(ReportRequest request, String owner) {
    if (request.researchId() == null || owner == null) {
      return Future.succeededFuture(request);
    }
    return StoredRows.read(vertx, DbQueries.RESEARCH_RUN, new JsonObject().put("id", request.researchId()), readTimeoutMs())
        .map(rows -> !rows.isEmpty() && HttpSupport.mayRead(owner, rows.getJsonObject(0).getString("owner_key"))
            ? request
            : new ReportRequest(request.domain(), request.researchGoal(), request.searchDepth(), null));
  }

  /** The stored report in the API's shape; 404 for an unknown id or another key's report. */
  Future<JsonObject> load(String id, String owner) {
    Future<JsonArray> report = StoredRows.read(vertx, DbQueries.REPORT, new JsonObject().put("id", id), readTimeoutMs());
    Future<JsonArray> sections = StoredRows.read(vertx, DbQueries.REPORT_SECTIONS, new JsonObject().put("report_id", id),
        readTimeoutMs());
    return Future.all(report, sections).compose(v -> {
      JsonArray rows = report.result();
      if (rows.isEmpty() || !HttpSupport.mayRead(owner, rows.getJsonObject(0).getString("owner_key"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "no report " + id));
      }
      JsonObject row = rows.getJsonObject(0);
      JsonObject core = row.getJsonObject("core", new JsonObject());
      JsonObject coreOut = new JsonObject();
      ReportJob.CORE.forEach(step -> coreOut.put(step, core.getJsonObject(step)));
      Map<String, JsonObject> byName = new java.util.HashMap<>();
      sections.result().forEach(o -> byName.put(((JsonObject) o).getString("name"), (JsonObject) o));
      JsonArray out = new JsonArray();
      for (String name : ReportJob.SECTIONS) {
        JsonObject s = byName.getOrDefault(name, new JsonObject().put("status", "pending"));
        out.add(new JsonObject().put("name", name).put("status", s.getString("status", "pending"))
            .put("body", s.getValue("body")).put("error", s.getString("error"))
            .put("attempts", s.getInteger("attempts", 0)));
      }
      return Future.succeededFuture(new JsonObject().put("report_id", id).put("domain", row.getString("domain"))
          .put("research_goal", row.getString("research_goal")).put("research_id", row.getString("research_id"))
          .put("status", row.getString("status")).put("core", coreOut).put("sections", out)
          .put("created_at", row.getValue("created_at")).put("finished_at", row.getValue("finished_at")));
    });
  }

  /** How long a client's read waits for the store ({@code GATEWAY_READ_TIMEOUT_MS}). */
  private long readTimeoutMs() {
    return config.getInt("GATEWAY_READ_TIMEOUT_MS");
  }

  /** The caller's owner identity (its API key's), or null when the API is open. */
  private static String owner(RoutingContext ctx) {
    return HttpSupport.jobOwner(ctx);
  }

}
