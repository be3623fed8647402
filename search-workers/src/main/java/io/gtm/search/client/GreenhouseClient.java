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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Greenhouse job boards for {@code jobs_search}: {@code GET {base}/v1/boards/{token}/jobs?content=true},
 * no key. The board token is the domain's first DNS label. Every posting comes back as evidence
 * with its plain text (content unescaped, tags stripped) as the snippet; ranking against the
 * query is the caller's. A 404 means the company has no board: an empty result, not a failure.
 */
public final class GreenhouseClient extends GatedSearchClient {
  public static final String CHANNEL = "jobs_search";
  public static final String SOURCE = "greenhouse";

  private final String base;

  public GreenhouseClient(ProviderGate gate, String baseUrl) {
    super(CHANNEL, gate);
    this.base = endpoint(baseUrl, "");
  }

  /** {@code www.Stripe.com} -> {@code stripe}: first label (after www), lower case, [a-z0-9-] only; null if nothing is left. */
  public static String boardToken(String domain) {
    if (domain == null) {
      return null;
    }
    String d = domain.strip().toLowerCase(Locale.ROOT);
    d = d.replaceFirst("^[a-z]+://", "");
    int slash = d.indexOf('/');
    if (slash >= 0) {
      d = d.substring(0, slash);
    }
    if (d.startsWith("www.")) {
      d = d.substring(4);
    }
    int dot = d.indexOf('.');
    String label = (dot >= 0 ? d.substring(0, dot) : d).replaceAll("[^a-z0-9-]", "");
    return label.isEmpty() ? null : label;
  }

  @Override
  public Future<List<Evidence>> search(SearchTask task) {
    String token = boardToken(task.domain());
    if (token == null) {
      return observed(Future.succeededFuture(List.of()));
    }
    String url = base + "/v1/boards/" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "/jobs";
    Future<List<Evidence>> call = gate.call(0,
        () -> gate.web().getAbs(url)
            .addQueryParam("content", "true")
            .timeout(gate.settings().timeoutMs())
            .send(),
        this::interpret);
    return observed(call);
  }

  private List<Evidence> interpret(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 404) {
      return List.of();
    }
    if (status != 200) {
      String message = "HTTP " + status + ": " + HttpFailures.clean(response.bodyAsString(), null);
      if (HttpFailures.retryableStatus(status)) {
        throw ProviderException.retryable(provider(), status,
            HttpFailures.retryAfter(response.headers(), System.currentTimeMillis()), message);
      }
      throw ProviderException.terminal(provider(), status, message);
    }
    JsonObject json = new JsonObject(response.bodyAsString());
    JsonArray jobs = json.getJsonArray("jobs");
    if (jobs == null) {
      throw ProviderException.malformed(provider(), "no jobs array");
    }
    List<Evidence> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject job = jobs.getJsonObject(i);
      String title = HtmlText.unescape(job.getString("title", ""));
      String text = HtmlText.fromEscapedHtml(job.getString("content", ""));
      out.add(new Evidence(job.getString("absolute_url", ""), title, text, SOURCE, CHANNEL));
    }
    return out;
  }
}
