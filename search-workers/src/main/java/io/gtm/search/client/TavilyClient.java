package io.gtm.search.client;

import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchTask;
import io.gtm.common.resilience.HttpFailures;
import io.gtm.common.resilience.ProviderException;
import io.gtm.common.resilience.ProviderGate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Tavily web search for {@code google_search}: {@code POST {base}/search} with a Bearer key,
 * {@code query} (at most 400 characters), {@code search_depth} advanced for comprehensive else
 * basic, {@code max_results} 3/5/8 by depth. 432/433 (plan / pay-as-you-go limit) are terminal quota.
 */
public final class TavilyClient extends GatedSearchClient {
  public static final String CHANNEL = "google_search";
  public static final int MAX_QUERY_CHARS = 400;

  private final String url;
  private final String apiKey;

  public TavilyClient(ProviderGate gate, String baseUrl, String apiKey) {
    super(CHANNEL, gate);
    this.url = endpoint(baseUrl, "/search");
    this.apiKey = apiKey;
  }

  static int maxResults(String depth) {
    return switch (depth == null ? "standard" : depth) {
      case "quick" -> 3;
      case "comprehensive" -> 8;
      default -> 5;
    };
  }

  static JsonObject requestBody(SearchTask task) {
    String q = task.query() == null ? "" : task.query().strip();
    if (q.length() > MAX_QUERY_CHARS) {
      q = q.substring(0, MAX_QUERY_CHARS);
    }
    return new JsonObject().put("query", q)
        .put("search_depth", "comprehensive".equals(task.depth()) ? "advanced" : "basic")
        .put("max_results", maxResults(task.depth()))
        .put("topic", "general");
  }

  @Override
  public Future<List<Evidence>> search(SearchTask task) {
    Buffer body = requestBody(task).toBuffer();
    Future<List<Evidence>> call = gate.call(0,
        () -> gate.web().postAbs(url)
            .putHeader("Authorization", "Bearer " + apiKey)
            .putHeader("Content-Type", "application/json")
            .timeout(gate.settings().timeoutMs())
            .sendBuffer(body),
        this::interpret);
    return observed(call);
  }

  private List<Evidence> interpret(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status != 200) {
      throw failure(status, response);
    }
    JsonObject json = new JsonObject(response.bodyAsString());
    JsonArray results = json.getJsonArray("results");
    if (results == null) {
      throw ProviderException.malformed(provider(), "no results array");
    }
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      JsonObject r = results.getJsonObject(i);
      String link = r.getString("url", "");
      String host = SearchCallMetrics.host(link);
      out.add(new Evidence(link, r.getString("title", ""), r.getString("content", ""),
          host == null ? "tavily" : host, CHANNEL));
    }
    return out;
  }

  private ProviderException failure(int status, HttpResponse<Buffer> response) {
    String detail = errorText(response.bodyAsString());
    String message = "HTTP " + status + ": " + HttpFailures.clean(detail, apiKey);
    if (status == 432 || status == 433) {
      return ProviderException.quota(provider(), status, message);
    }
    if (status == 401 || status == 403) {
      return ProviderException.terminal(provider(), status, message + " (check TAVILY_API_KEY)");
    }
    if (HttpFailures.retryableStatus(status)) {
      return ProviderException.retryable(provider(), status,
          HttpFailures.retryAfter(response.headers(), System.currentTimeMillis()), message);
    }
    return ProviderException.terminal(provider(), status, message);
  }

  /** Tavily errors are {@code {"detail": {"error": "..."}}}. */
  private static String errorText(String body) {
    try {
      JsonObject json = new JsonObject(body == null ? "{}" : body);
      Object detail = json.getValue("detail");
      if (detail instanceof JsonObject d) {
        return d.getString("error", d.encode());
      }
      if (detail != null) {
        return String.valueOf(detail);
      }
      return json.getString("error", body);
    } catch (RuntimeException notJson) {
      return body;
    }
  }
}
