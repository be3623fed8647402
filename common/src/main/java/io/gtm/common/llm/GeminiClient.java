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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Gemini native: {@code POST {base}/v1beta/models/{model}:generateContent} with
 * {@code x-goog-api-key}, {@code systemInstruction}, {@code contents}, {@code generationConfig}
 * ({@code responseMimeType}, {@code responseSchema}). Thought parts are skipped; a
 * {@code promptFeedback.blockReason} is a terminal failure; quotas whose {@code quotaId}
 * contains {@code PerDay} are terminal quota; {@code RetryInfo.retryDelay} sets the retry wait.
 */
public final class GeminiClient extends GatedLlmClient {
  /** The OpenAPI-subset keys {@code responseSchema} accepts; others (additionalProperties, $schema...) are dropped. */
  private static final Set<String> SCHEMA_KEYS = Set.of("type", "format", "description", "nullable", "enum",
      "maxItems", "minItems", "properties", "required", "propertyOrdering", "items", "anyOf", "minimum",
      "maximum", "minLength", "maxLength", "minProperties", "maxProperties", "title");

  private final String model;

  public GeminiClient(ProviderGate gate, String baseUrl, String apiKey, String model) {
    super(gate, stripSlash(baseUrl) + "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
        + ":generateContent", apiKey);
    this.model = model;
  }

  @Override
  HttpRequest<Buffer> headers(HttpRequest<Buffer> post) {
    return post.putHeader("x-goog-api-key", apiKey);
  }

  @Override
  JsonObject requestBody(LlmRequest request) {
    JsonObject body = new JsonObject();
    if (request.system() != null && !request.system().isEmpty()) {
      body.put("systemInstruction", new JsonObject().put("parts",
          new JsonArray().add(new JsonObject().put("text", request.system()))));
    }
    body.put("contents", new JsonArray().add(new JsonObject().put("role", "user").put("parts",
        new JsonArray().add(new JsonObject().put("text", request.user() == null ? "" : request.user())))));
    JsonObject generation = new JsonObject().put("temperature", request.temperature());
    if (request.maxTokens() > 0) {
      generation.put("maxOutputTokens", request.maxTokens());
    }
    if (request.jsonMode() || request.jsonSchema() != null) {
      generation.put("responseMimeType", "application/json");
    }
    if (request.jsonSchema() != null) {
      generation.put("responseSchema", toResponseSchema(request.jsonSchema()));
    }
    body.put("generationConfig", generation);
    return body;
  }

  /** A JSON Schema reduced to the OpenAPI subset of {@code responseSchema}. */
  static JsonObject toResponseSchema(JsonObject schema) {
    JsonObject out = new JsonObject();
    for (String key : schema.fieldNames()) {
      if (!SCHEMA_KEYS.contains(key)) {
        continue;
      }
      Object v = schema.getValue(key);
      switch (key) {
        case "properties" -> {
          JsonObject props = new JsonObject();
          ((JsonObject) v).forEach(e -> props.put(e.getKey(), toResponseSchema((JsonObject) e.getValue())));
          out.put(key, props);
        }
        case "items" -> out.put(key, toResponseSchema((JsonObject) v));
        case "anyOf" -> {
          JsonArray any = new JsonArray();
          ((JsonArray) v).forEach(o -> any.add(toResponseSchema((JsonObject) o)));
          out.put(key, any);
        }
        case "type" -> {
          if (v instanceof JsonArray types) { // ["string", "null"] -> string, nullable
            String t = types.stream().map(String::valueOf).filter(s -> !s.equals("null")).findFirst().orElse("string");
            out.put("type", t);
            if (types.contains("null")) {
              out.put("nullable", true);
            }
          } else {
            out.put("type", v);
          }
        }
        default -> out.put(key, v);
      }
    }
    return out;
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
    JsonObject json = new JsonObject(text);
    JsonObject feedback = json.getJsonObject("promptFeedback");
    if (feedback != null && feedback.getString("blockReason") != null) {
      throw ProviderException.terminal(provider(), 200, "prompt blocked: " + feedback.getString("blockReason"));
    }
    JsonArray candidates = json.getJsonArray("candidates");
    if (candidates == null || candidates.isEmpty()) {
      throw ProviderException.malformed(provider(), "no candidates");
    }
    JsonObject candidate = candidates.getJsonObject(0);
    StringBuilder out = new StringBuilder();
    JsonObject content = candidate.getJsonObject("content");
    JsonArray parts = content == null ? null : content.getJsonArray("parts");
    if (parts != null) {
      for (int i = 0; i < parts.size(); i++) {
        JsonObject part = parts.getJsonObject(i);
        if (part.getBoolean("thought", false)) {
          continue;
        }
        String t = part.getString("text");
        if (t != null) {
          out.append(t);
        }
      }
    }
    String finish = candidate.getString("finishReason", "");
    if (out.isEmpty() && Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII").contains(finish)) {
      throw ProviderException.terminal(provider(), 200, "answer blocked: " + finish);
    }
    if (out.isEmpty() && parts == null) {
      throw ProviderException.malformed(provider(), "candidate without content (finishReason " + finish + ")");
    }
    JsonObject usage = json.getJsonObject("usageMetadata", new JsonObject());
    return new LlmResponse(out.toString(), usage.getInteger("promptTokenCount", 0),
        usage.getInteger("candidatesTokenCount", 0), provider(), json.getString("modelVersion", model));
  }

  private ProviderException failure(int status, MultiMap headers, String body) {
    JsonObject error;
    try {
      error = new JsonObject(body == null ? "{}" : body).getJsonObject("error", new JsonObject());
    } catch (RuntimeException notJson) {
      error = new JsonObject();
    }
    String message = "HTTP " + status + " " + error.getString("status", "") + ": "
        + HttpFailures.clean(error.getString("message", body), apiKey);
    JsonArray details = error.getJsonArray("details", new JsonArray());
    long retryDelay = -1;
    boolean perDay = false;
    boolean badKey = false;
    for (int i = 0; i < details.size(); i++) {
      JsonObject d = details.getJsonObject(i);
      String type = d.getString("@type", "");
      if (type.endsWith("google.rpc.RetryInfo")) {
        retryDelay = RetryHints.duration(d.getString("retryDelay"));
      } else if (type.endsWith("google.rpc.QuotaFailure")) {
        JsonArray violations = d.getJsonArray("violations", new JsonArray());
        for (int j = 0; j < violations.size(); j++) {
          if (violations.getJsonObject(j).getString("quotaId", "").contains("PerDay")) {
            perDay = true;
          }
        }
      } else if (type.endsWith("google.rpc.ErrorInfo")) {
        badKey = "API_KEY_INVALID".equals(d.getString("reason"));
      }
    }
    if (perDay) {
      return ProviderException.quota(provider(), status, message);
    }
    if (status == 401 || status == 403 || badKey) {
      return ProviderException.terminal(provider(), status == 400 ? 401 : status, message + " (check GEMINI_API_KEY)");
    }
    if (HttpFailures.retryableStatus(status)) {
      long hint = retryDelay >= 0 ? retryDelay : HttpFailures.retryAfter(headers, System.currentTimeMillis());
      return ProviderException.retryable(provider(), status, hint, message);
    }
    return ProviderException.terminal(provider(), status, message);
  }
}
