package io.gtm.common.model;

import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonObject;

/**
 * One domain x strategy search, sent to {@code search.<channel>}. {@code poolSize} is the job's
 * {@code max_parallel_searches}; the reply is a {@link SearchOutcome}.
 */
public record SearchTask(String jobId, String domain, String companyName, String channel,
                         String query, String depth, int poolSize) {

  public static SearchTask fromJson(JsonObject json) {
    return new SearchTask(
        Fields.requireString(json, "job_id"),
        Fields.requireString(json, "domain"),
        Fields.requireString(json, "company_name"),
        Fields.requireString(json, "channel"),
        Fields.requireString(json, "query"),
        Fields.optString(json, "depth", "standard"),
        Fields.optInt(json, "pool_size", 20, 1, 10_000));
  }

  public JsonObject toJson() {
    return new JsonObject().put("job_id", jobId).put("domain", domain).put("company_name", companyName)
        .put("channel", channel).put("query", query).put("depth", depth).put("pool_size", poolSize);
  }
}
