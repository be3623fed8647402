package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Greenhouse Job Board API: {@code GET /v1/boards/{token}}, {@code /jobs}, {@code /jobs/{id}}. No key. */
final class GreenhouseApi implements Gate.Wire {
  private final ProviderState state;

  GreenhouseApi(ProviderState state) {
    this.state = state;
  }

  @Override
  public boolean open() {
    return true;
  }

  @Override
  public String key(RoutingContext ctx) {
    return "";
  }

  @Override
  public void unauthorized(RoutingContext ctx, boolean missing) {
    Gate.json(ctx, 401, error(401, "Unauthorized"));
  }

  static JsonObject error(int status, String message) {
    return new JsonObject().put("status", status).put("error", message);
  }

  @Override
  public void rateLimited(RoutingContext ctx, ProviderState.Admission a) {
    ctx.response().putHeader("retry-after", Long.toString(Gate.retryAfterSeconds(a)));
    Gate.json(ctx, 429, error(429, "Too Many Requests"));
  }

  @Override
  public void terminalQuota(RoutingContext ctx) {
    Gate.json(ctx, 403, error(403, "Forbidden"));
  }

  @Override
  public void serverError(RoutingContext ctx, int status) {
    Gate.json(ctx, status, error(status, status == 503 ? "Service Unavailable" : "Internal Server Error"));
  }

  void jobs(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, c -> {
      CompanyProfile p = CompanyProfiles.ofBoardToken(c.pathParam("token"));
      boolean content = "true".equalsIgnoreCase(c.request().getParam("content"));
      return new Gate.Work(0, 0, 1.0, (cc, malformed) -> {
        if (!p.hasBoard()) {
          // what the real API answers for /v1/boards/{unknown}/jobs
          Gate.json(cc, 404, error(404, "Job not found"));
          return;
        }
        JsonArray jobs = Content.jobs(p, content);
        Gate.json(cc, 200, new JsonObject().put("jobs", jobs).put("meta", new JsonObject().put("total", jobs.size())),
            malformed);
      });
    });
  }

  void job(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, c -> {
      CompanyProfile p = CompanyProfiles.ofBoardToken(c.pathParam("token"));
      String id = c.pathParam("id");
      return new Gate.Work(0, 0, 1.0, (cc, malformed) -> {
        if (p.hasBoard()) {
          for (Object o : Content.jobs(p, true)) {
            JsonObject job = (JsonObject) o;
            if (String.valueOf(job.getLong("id")).equals(id)) {
              Gate.json(cc, 200, job, malformed);
              return;
            }
          }
        }
        Gate.json(cc, 404, error(404, "Job not found"));
      });
    });
  }

  void board(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, c -> {
      CompanyProfile p = CompanyProfiles.ofBoardToken(c.pathParam("token"));
      return new Gate.Work(0, 0, 1.0, (cc, malformed) -> {
        if (!p.hasBoard()) {
          Gate.json(cc, 404, error(404, "Job board not found"));
          return;
        }
        Gate.json(cc, 200, new JsonObject().put("name", p.name()).put("content", Content.escapeHtml(
            "<p>" + p.name() + " is a " + p.industry() + " company.</p>")), malformed);
      });
    });
  }
}
