package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** NewsAPI {@code GET /v2/everything}. */
final class NewsApi implements Gate.Wire {
  private static final Set<String> SORTS = Set.of("relevancy", "popularity", "publishedAt");
  private final ProviderState state;

  NewsApi(ProviderState state) {
    this.state = state;
  }

  void handle(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, this::parse);
  }

  static JsonObject error(String code, String message) {
    return new JsonObject().put("status", "error").put("code", code).put("message", message);
  }

  @Override
  public String key(RoutingContext ctx) {
    String k = ctx.request().getHeader("X-Api-Key");
    if (k == null) k = ctx.request().getParam("apiKey");
    if (k == null) {
      String auth = ctx.request().getHeader("Authorization");
      if (auth != null) k = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : auth.trim();
    }
    return k;
  }

  @Override
  public void unauthorized(RoutingContext ctx, boolean missing) {
    if (missing) {
      Gate.json(ctx, 401, error("apiKeyMissing", "Your API key is missing. Append this to the URL with the apiKey "
          + "param, or use the x-api-key HTTP header."));
    } else {
      Gate.json(ctx, 401, error("apiKeyInvalid", "Your API key is invalid or incorrect. Check your key, or go to "
          + "https://newsapi.org to create a free API key."));
    }
  }

  @Override
  public void rateLimited(RoutingContext ctx, ProviderState.Admission a) {
    ctx.response().putHeader("retry-after", Long.toString(Gate.retryAfterSeconds(a)));
    Gate.json(ctx, 429, error("rateLimited", "You have been rate limited. Back off for a while before trying the "
        + "request again."));
  }

  @Override
  public void terminalQuota(RoutingContext ctx) {
    Gate.json(ctx, 429, error("apiKeyExhausted", "Your API key has no more requests available."));
  }

  @Override
  public void serverError(RoutingContext ctx, int status) {
    Gate.json(ctx, status, error("unexpectedError", "This shouldn't happen, and if it does then it's our fault, not "
        + "yours. Try the request again shortly."));
  }

  private Gate.Work parse(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    String qInTitle = ctx.request().getParam("qInTitle");
    String sources = ctx.request().getParam("sources");
    String domains = ctx.request().getParam("domains");
    if (blank(q) && blank(qInTitle) && blank(sources) && blank(domains)) {
      Gate.json(ctx, 400, error("parametersMissing", "Required parameters are missing, the scope of your search is too "
          + "broad. Please set any of the following required parameters and try again: q, qInTitle, sources, domains."));
      return null;
    }
    String query = !blank(q) ? q : !blank(qInTitle) ? qInTitle : !blank(domains) ? domains : sources;
    if (query.length() > 500) {
      Gate.json(ctx, 400, error("parameterInvalid", "The q parameter is too long: the maximum is 500 characters."));
      return null;
    }
    int pageSize;
    int page;
    try {
      pageSize = Integer.parseInt(ctx.request().getParam("pageSize", "100"));
      page = Integer.parseInt(ctx.request().getParam("page", "1"));
    } catch (NumberFormatException e) {
      Gate.json(ctx, 400, error("parameterInvalid", "You've included a parameter with an invalid value: pageSize and "
          + "page must be integers."));
      return null;
    }
    if (pageSize < 1 || pageSize > 100 || page < 1) {
      Gate.json(ctx, 400, error("parameterInvalid", "You've included a parameter with an invalid value: pageSize must "
          + "be between 1 and 100 and page at least 1."));
      return null;
    }
    String sortBy = ctx.request().getParam("sortBy", "publishedAt");
    if (!SORTS.contains(sortBy)) {
      Gate.json(ctx, 400, error("parameterInvalid", "You've included a parameter with an invalid value: sortBy. It "
          + "must be one of relevancy, popularity, publishedAt."));
      return null;
    }
    CompanyProfile profile = CompanyProfiles.fromQuery(query);
    return new Gate.Work(0, 0, 1.0, (c, malformed) -> {
      List<JsonObject> all = profile == null ? List.of() : Content.articles(profile);
      JsonArray articles = new JsonArray();
      int from = (page - 1) * pageSize;
      for (int i = from; i < Math.min(all.size(), from + pageSize); i++) articles.add(all.get(i));
      Gate.json(c, 200, new JsonObject().put("status", "ok").put("totalResults", all.size()).put("articles", articles),
          malformed);
    });
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
