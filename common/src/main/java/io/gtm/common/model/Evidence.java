package io.gtm.common.model;

import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonObject;

/** One piece of evidence found for a company by a search channel. */
public record Evidence(String url, String title, String snippet, String sourceName, String channel) {

  public Evidence {
    url = url == null ? "" : url;
    title = title == null ? "" : title;
    snippet = snippet == null ? "" : snippet;
    if (sourceName == null || sourceName.isBlank()) {
      throw io.gtm.common.ApiException.invalid("source_name", "source_name is required");
    }
  }

  public static Evidence fromJson(JsonObject json) {
    return new Evidence(
        Fields.optString(json, "url", ""),
        Fields.optString(json, "title", ""),
        Fields.optString(json, "snippet", ""),
        Fields.requireString(json, "source_name"),
        Fields.optString(json, "channel", null));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("url", url).put("title", title).put("snippet", snippet)
        .put("source_name", sourceName);
    if (channel != null) {
      json.put("channel", channel);
    }
    return json;
  }

  /** Key for de-duplication within one company's evidence. */
  public String dedupKey() {
    return url + '\u0000' + title + '\u0000' + snippet;
  }
}
