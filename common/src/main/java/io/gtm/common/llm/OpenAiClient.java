package io.gtm.common.llm;

import io.gtm.common.resilience.HttpFailures;
import io.gtm.common.resilience.ProviderException;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.RetryHints;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.HttpRequest;

/**
 * OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, Gemini's compatible endpoint):
 * {@code POST {base}/chat/completions} with a Bearer key, non-streamed or streamed (SSE
 * {@code data:} chunks up to {@code data: [DONE]}, usage from {@code stream_options.include_usage}).
 */
public final class OpenAiClient extends GatedLlmClient {
  private final String model;
  private final boolean stream;

  /**
   * @param baseUrl ends in {@code /v1} (or Gemini's {@code /v1beta/openai})
   * @param stream  ask for a streamed answer and assemble it
   */
  public OpenAiClient(ProviderGate gate, String baseUrl, String apiKey, String model, boolean stream) {
    super(gate, stripSlash(baseUrl) + "/chat/completions", apiKey);
    this.model = model;
    this.stream = stream;
  }

  @Override
  HttpRequest<Buffer> headers(HttpRequest<Buffer> post) {
    return post.putHeader("Authorization", "Bearer " + apiKey)
        .putHeader("Accept", stream ? "text/event-stream" : "application/json");
  }

  @Override
  JsonObject requestBody(LlmRequest request) {
    JsonArray messages = new JsonArray();
    if (request.system() != null && !request.system().isEmpty()) {
      messages.add(new JsonObject().put("role", "system").put("content", request.system()));
    }
    messages.add(new JsonObject().put("role", "user").put("content", request.user() == null ? "" : request.user()));
    JsonObject body = new JsonObject().put("model", model).put("messages", messages)
        .put("temperature", request.temperature());
    if (request.maxTokens() > 0) {
      body.put("max_tokens", request.maxTokens());
    }
    if (request.jsonSchema() != null) {
      body.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject()
          .put("name", request.schemaName() == null ? "answer" : request.schemaName())
          .put("schema", request.jsonSchema())
          .put("strict", true)));
    } else if (request.jsonMode()) {
      body.put("response_format", new JsonObject().put("type", "json_object"));
    }
    if (stream) {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body;
  }

  @Override
  LlmResponse interpret(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw failure(status, response.headers(), response.bodyAsString());
    }
    String text = response.bodyAsString();
    if (text == null) {
      throw ProviderException.malformed(provider(), "empty body");
    }
    return stream ? assembleStream(text) : parseCompletion(new JsonObject(text));
  }

  private LlmResponse parseCompletion(JsonObject json) {
    JsonArray choices = json.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      throw ProviderException.malformed(provider(), "no choices");
    }
    JsonObject message = choices.getJsonObject(0).getJsonObject("message");
    if (message == null) {
      throw ProviderException.malformed(provider(), "choice without message");
    }
    String content = message.getString("content");
    if (content == null) {
      String refusal = message.getString("refusal");
      throw ProviderException.terminal(provider(), 200, refusal != null
          ? "the model refused: " + HttpFailures.clean(refusal, apiKey) : "answer without content");
    }
    JsonObject usage = json.getJsonObject("usage", new JsonObject());
    return new LlmResponse(content, usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0),
        provider(), json.getString("model", model));
  }

  /** Joins the {@code delta.content} of every chunk; the usage comes in the last chunk. */
  LlmResponse assembleStream(String body) {
    StringBuilder content = new StringBuilder();
    int prompt = 0;
    int completion = 0;
    String answeredModel = model;
    boolean done = false;
    boolean sawChunk = false;
    for (String raw : body.split("\r?\n")) {
      String line = raw.strip();
      if (!line.startsWith("data:")) {
        continue; // blank separators, comments (": keep-alive"), event: lines
      }
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) {
        done = true;
        break;
      }
      JsonObject chunk = new JsonObject(data);
      if (chunk.containsKey("error")) {
        JsonObject err = chunk.getJsonObject("error");
        throw ProviderException.retryable(provider(), 500, -1, "error in stream: "
            + HttpFailures.clean(err.getString("message"), apiKey));
      }
      sawChunk = true;
      answeredModel = chunk.getString("model", answeredModel);
      JsonArray choices = chunk.getJsonArray("choices");
      if (choices != null && !choices.isEmpty()) {
        JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
        if (delta != null && delta.getString("content") != null) {
          content.append(delta.getString("content"));
        }
      }
      JsonObject usage = chunk.getJsonObject("usage");
      if (usage != null) {
        prompt = usage.getInteger("prompt_tokens", prompt);
        completion = usage.getInteger("completion_tokens", completion);
      }
    }
    if (!done || !sawChunk) {
      throw ProviderException.malformed(provider(), "stream ended without data: [DONE]");
    }
    return new LlmResponse(content.toString(), prompt, completion, provider(), answeredModel);
  }

  private ProviderException failure(int status, MultiMap headers, String body) {
    JsonObject error = errorObject(body);
    String code = error.getString("code");
    String type = error.getString("type");
    String message = "HTTP " + status + (code != null ? " " + code : type != null ? " " + type : "") + ": "
        + HttpFailures.clean(error.getString("message", body), apiKey);
    if ("insufficient_quota".equals(code) || "insufficient_quota".equals(type)) {
      return ProviderException.quota(provider(), status, message);
    }
    if (status == 401 || status == 403) {
      return ProviderException.terminal(provider(), status, message + " (check LLM_API_KEY)");
    }
    if (HttpFailures.retryableStatus(status)) {
      return ProviderException.retryable(provider(), status, retryHint(headers), message);
    }
    return ProviderException.terminal(provider(), status, message);
  }

  /** retry-after-ms, Retry-After, else the x-ratelimit-reset-* of the exhausted limit. */
  static long retryHint(MultiMap headers) {
    long hint = HttpFailures.retryAfter(headers, System.currentTimeMillis());
    if (hint >= 0) {
      return hint;
    }
    long requests = RetryHints.duration(headers.get("x-ratelimit-reset-requests"));
    long tokens = RetryHints.duration(headers.get("x-ratelimit-reset-tokens"));
    boolean requestsOut = "0".equals(headers.get("x-ratelimit-remaining-requests"));
    boolean tokensOut = "0".equals(headers.get("x-ratelimit-remaining-tokens"));
    if (requestsOut || tokensOut) {
      return Math.max(requestsOut ? requests : -1, tokensOut ? tokens : -1);
    }
    if (requests >= 0 && tokens >= 0) {
      return Math.min(requests, tokens);
    }
    return Math.max(requests, tokens);
  }

  private static JsonObject errorObject(String body) {
    try {
      JsonObject json = new JsonObject(body == null ? "{}" : body);
      Object e = json.getValue("error");
      if (e instanceof JsonObject o) {
        return o;
      }
      if (e instanceof String s) {
        return new JsonObject().put("message", s); // Ollama: {"error": "..."}
      }
      return new JsonObject();
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

}
