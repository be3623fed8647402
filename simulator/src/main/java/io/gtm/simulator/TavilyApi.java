package io.gtm.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Tavily {@code POST /search}. */
final class TavilyApi implements Gate.Wire {
  private final ProviderState state;

  TavilyApi(ProviderState state) {
    this.state = state;
  }

  void handle(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, this::parse);
  }

  static JsonObject error(String message) {
    return new JsonObject().put("detail", new JsonObject().put("error", message));
  }

  @Override
  public String key(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null && body.getValue("api_key") instanceof String k) return k;
    } catch (DecodeException ignored) {
      // the body is checked again, and answered 400, after the key
    }
    return null;
  }

  @Override
  public void unauthorized(RoutingContext ctx, boolean missing) {
    Gate.json(ctx, 401, error("Unauthorized: missing or invalid API key."));
  }

  @Override
  public void rateLimited(RoutingContext ctx, ProviderState.Admission a) {
    ctx.response().putHeader("retry-after", Long.toString(Gate.retryAfterSeconds(a)));
    Gate.json(ctx, 429, error("Your request has been blocked due to excessive requests. Please reduce rate of requests."));
  }

  @Override
  public void terminalQuota(RoutingContext ctx) {
    if (state.knobs().terminalQuotaStatus == 433) {
      Gate.json(ctx, 433, error("This request exceeds the pay-as-you-go limit. You can increase your limit on the Tavily dashboard."));
    } else {
      Gate.json(ctx, 432, error("This request exceeds your plan's set usage limit. Please upgrade your plan or contact support@tavily.com"));
    }
  }

  @Override
  public void serverError(RoutingContext ctx, int status) {
    Gate.json(ctx, status, error(status == 503 ? "Service Unavailable" : "Internal Server Error"));
  }

  private Gate.Work parse(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      Gate.json(ctx, 400, error("Invalid JSON body."));
      return null;
    }
    if (!(body.getValue("query") instanceof String query) || query.isBlank()) {
      Gate.json(ctx, 400, error("Query is missing."));
      return null;
    }
    if (query.length() > 400) {
      Gate.json(ctx, 400, error("Query is too long. Max query length is 400 characters."));
      return null;
    }
    String depth = body.getValue("search_depth") instanceof String s ? s : "basic";
    if (!depth.equals("basic") && !depth.equals("advanced") && !depth.equals("fast") && !depth.equals("ultra-fast")) {
      Gate.json(ctx, 400, error("Invalid search depth. Must be 'basic', 'advanced', 'fast' or 'ultra-fast'."));
      return null;
    }
    Object mr = body.getValue("max_results", 5);
    if (!(mr instanceof Number n) || n.intValue() < 0 || n.intValue() > 20) {
      Gate.json(ctx, 400, error("max_results must be between 0 and 20."));
      return null;
    }
    int maxResults = ((Number) mr).intValue();
    Object includeAnswer = body.getValue("include_answer");
    boolean answer = Boolean.TRUE.equals(includeAnswer) || includeAnswer instanceof String;
    CompanyProfile profile = CompanyProfiles.fromQuery(query);
    double factor = depth.equals("advanced") ? 2.0 : 1.0;
    return new Gate.Work(0, 0, factor, (c, malformed) -> {
      JsonArray results = maxResults == 0 ? new JsonArray()
          : profile != null ? Content.tavilyResults(profile, query, maxResults) : Content.genericResults(query, maxResults);
      JsonObject out = new JsonObject().put("query", query).putNull("follow_up_questions");
      if (answer && profile != null) {
        out.put("answer", profile.name() + " is a " + profile.industry() + " company that uses "
            + Content.techList(profile.technologies()) + ".");
      } else if (answer) {
        out.put("answer", "No definitive answer was found for " + query + ".");
      } else {
        out.putNull("answer");
      }
      out.put("images", new JsonArray()).put("results", results)
          .put("response_time", Math.round((0.5 + state.nextContentDouble()) * 100) / 100.0)
          .put("request_id", UUID.randomUUID().toString());
      Gate.json(c, 200, out, malformed);
    });
  }
}
