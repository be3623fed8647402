package io.gtm.common.llm;

import static io.gtm.common.llm.LlmCallMetrics.tokenWeight;

import io.gtm.common.resilience.ProviderGate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

/**
 * What the HTTP LLM clients share: one {@code POST} of a JSON body per completion, through the
 * provider's {@link ProviderGate} (weighted by the prompt's tokens for the TPM limit), timed and
 * counted in the LLM metrics. A client adds its wire format: the body, its headers and how an
 * answer is read.
 */
public abstract class GatedLlmClient implements LlmClient {
  protected final ProviderGate gate;
  protected final String apiKey;
  private final String url;

  protected GatedLlmClient(ProviderGate gate, String url, String apiKey) {
    this.gate = gate;
    this.url = url;
    this.apiKey = apiKey;
  }

  @Override
  public final String provider() {
    return gate.provider();
  }

  public final ProviderGate gate() {
    return gate;
  }

  @Override
  public final Future<LlmResponse> complete(LlmRequest request) {
    Buffer body = requestBody(request).toBuffer();
    Future<LlmResponse> call = gate.call(tokenWeight(request),
        () -> headers(gate.web().postAbs(url))
            .putHeader("Content-Type", "application/json")
            .timeout(gate.settings().timeoutMs())
            .sendBuffer(body),
        this::interpret);
    return LlmCallMetrics.observe(provider(), request.operation(), call)
        .recover(e -> Future.failedFuture(LlmCallMetrics.toLlmException(e)));
  }

  abstract JsonObject requestBody(LlmRequest request);

  /** The provider's key and any header of its own. */
  abstract HttpRequest<Buffer> headers(HttpRequest<Buffer> post);

  abstract LlmResponse interpret(HttpResponse<Buffer> response);

  /** {@code url} without a trailing slash. */
  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
