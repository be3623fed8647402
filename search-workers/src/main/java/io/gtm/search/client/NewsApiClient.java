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
import java.util.Set;

/**
 * NewsAPI for {@code news_search}: {@code GET {base}/v2/everything} with the key in
 * {@code X-Api-Key}, {@code q} (the company quoted as a phrase), {@code pageSize} by depth,
 * {@code sortBy=publishedAt}, {@code language=en}. apiKeyInvalid/Disabled/Missing are terminal,
 * apiKeyExhausted is terminal quota.
 */
public final class NewsApiClient extends GatedSearchClient {
  public static final String CHANNEL = "news_search";
  public static final int MAX_QUERY_CHARS = 500;
  private static final Set<String> BAD_KEY = Set.of("apiKeyInvalid", "apiKeyDisabled", "apiKeyMissing");

  private final String url;
  private final String apiKey;

  public NewsApiClient(ProviderGate gate, String baseUrl, String apiKey) {
    super(CHANNEL, gate);
    this.url = endpoint(baseUrl, "/v2/everything");
    this.apiKey = apiKey;
  }

  static int pageSize(String depth) {
    return switch (depth == null ? "standard" : depth) {
      case "quick" -> 5;
      case "comprehensive" -> 20;
      default -> 10;
    };
  }

  /** The query with the company as a quoted phrase (added in front when the query does not name it). */
  static String query(SearchTask task) {
    String q = task.query() == null ? "" : task.query().strip();
    String company = task.companyName() == null ? "" : task.companyName().replace("\"", "").strip();
    if (!company.isEmpty()) {
      String phrase = "\"" + company + "\"";
      if (!q.contains(phrase)) {
        int at = q.toLowerCase().indexOf(company.toLowerCase());
        q = at >= 0 ? q.substring(0, at) + phrase + q.substring(at + company.length()) : phrase + (q.isEmpty() ? "" : " " + q);
      }
    }
    return q.length() <= MAX_QUERY_CHARS ? q : q.substring(0, MAX_QUERY_CHARS);
  }

  @Override
  public Future<List<Evidence>> search(SearchTask task) {
    String q = query(task);
    int size = pageSize(task.depth());
    Future<List<Evidence>> call = gate.call(0,
        () -> gate.web().getAbs(url)
            .addQueryParam("q", q)
            .addQueryParam("pageSize", Integer.toString(size))
            .addQueryParam("sortBy", "publishedAt")
            .addQueryParam("language", "en")
            .putHeader("X-Api-Key", apiKey)
            .timeout(gate.settings().timeoutMs())
            .send(),
        this::interpret);
    return observed(call);
  }

  private List<Evidence> interpret(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String text = response.bodyAsString();
    if (status != 200) {
      throw failure(status, response, text);
    }
    JsonObject json = new JsonObject(text);
    if (!"ok".equals(json.getString("status"))) {
      throw failure(500, response, text);
    }
    JsonArray articles = json.getJsonArray("articles");
    if (articles == null) {
      throw ProviderException.malformed(provider(), "no articles array");
    }
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < articles.size(); i++) {
      JsonObject a = articles.getJsonObject(i);
      String link = a.getString("url", "");
      JsonObject source = a.getJsonObject("source", new JsonObject());
      String name = source.getString("name");
      if (name == null || name.isBlank()) {
        name = SearchCallMetrics.host(link);
      }
      String snippet = a.getString("description");
      if (snippet == null || snippet.isBlank()) {
        snippet = a.getString("content", "");
      }
      out.add(new Evidence(link, a.getString("title", ""), snippet, name == null ? "newsapi" : name, CHANNEL));
    }
    return out;
  }

  private ProviderException failure(int status, HttpResponse<Buffer> response, String body) {
    String code = null;
    String detail = body;
    try {
      JsonObject json = new JsonObject(body == null ? "{}" : body);
      code = json.getString("code");
      detail = json.getString("message", body);
    } catch (RuntimeException notJson) {
      // keep the raw text
    }
    String message = "HTTP " + status + (code == null ? "" : " " + code) + ": " + HttpFailures.clean(detail, apiKey);
    if ("apiKeyExhausted".equals(code)) {
      return ProviderException.quota(provider(), status, message);
    }
    if (BAD_KEY.contains(code) || status == 401 || status == 403) {
      return ProviderException.terminal(provider(), status == 200 ? 401 : status, message + " (check NEWSAPI_KEY)");
    }
    if (HttpFailures.retryableStatus(status) || "rateLimited".equals(code)) {
      return ProviderException.retryable(provider(), status == 200 ? 429 : status,
          HttpFailures.retryAfter(response.headers(), System.currentTimeMillis()), message);
    }
    return ProviderException.terminal(provider(), status, message);
  }
}
