package io.gtm.common.model;

import io.gtm.common.ApiException;
import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonObject;

/**
 * One search strategy: a channel and a query template with {@code {DOMAIN}} and
 * {@code {COMPANY_NAME}} placeholders.
 */
public record Strategy(String channel, String queryTemplate, double relevanceScore) {

  public Strategy {
    if (channel == null || channel.isBlank()) {
      throw ApiException.invalid("channel", "channel is required");
    }
    if (queryTemplate == null || queryTemplate.isBlank()) {
      throw ApiException.invalid("query_template", "query_template is required");
    }
    if (relevanceScore < 0 || relevanceScore > 1 || Double.isNaN(relevanceScore)) {
      throw ApiException.invalid("relevance_score", "relevance_score must be between 0 and 1");
    }
  }

  public static Strategy fromJson(JsonObject json) {
    return new Strategy(
        Fields.requireString(json, "channel"),
        Fields.requireString(json, "query_template"),
        Fields.optDouble(json, "relevance_score", 0.5, 0, 1));
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("query_template", queryTemplate)
        .put("relevance_score", relevanceScore);
  }

  /** The query for one company: placeholders replaced. */
  public String queryFor(String domain, String companyName) {
    return queryTemplate.replace("{DOMAIN}", domain).replace("{COMPANY_NAME}", companyName);
  }
}
