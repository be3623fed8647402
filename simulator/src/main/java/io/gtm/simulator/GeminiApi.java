package io.gtm.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.UUID;

/** {@code POST /v1beta/models/{model}:generateContent} in Gemini's native wire format. */
final class GeminiApi implements Gate.Wire {
  private final ProviderState state;

  GeminiApi(ProviderState state) {
    this.state = state;
  }

  void handle(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, this::parse);
  }

  @Override
  public String key(RoutingContext ctx) {
    String k = ctx.request().getHeader("x-goog-api-key");
    return k != null ? k : ctx.request().getParam("key");
  }

  static JsonObject error(int code, String message, String status, JsonArray details) {
    JsonObject e = new JsonObject().put("code", code).put("message", message).put("status", status);
    if (details != null) e.put("details", details);
    return new JsonObject().put("error", e);
  }

  @Override
  public void unauthorized(RoutingContext ctx, boolean missing) {
    if (missing) {
      Gate.json(ctx, 403, error(403, "Method doesn't allow unregistered callers (callers without established identity)."
          + " Please use API Key or other form of API consumer identity to call this API.", "PERMISSION_DENIED", null));
    } else {
      JsonArray details = new JsonArray()
          .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")
              .put("domain", "googleapis.com")
              .put("metadata", new JsonObject().put("service", "generativelanguage.googleapis.com")))
          .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.LocalizedMessage").put("locale", "en-US")
              .put("message", "API key not valid. Please pass a valid API key."));
      Gate.json(ctx, 400, error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", details));
    }
  }

  private static JsonArray quotaDetails(String model, String metric, String quotaId, long value, String retryDelay) {
    JsonObject violation = new JsonObject().put("quotaMetric", metric).put("quotaId", quotaId)
        .put("quotaDimensions", new JsonObject().put("location", "global").put("model", model))
        .put("quotaValue", Long.toString(value));
    JsonArray details = new JsonArray()
        .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure")
            .put("violations", new JsonArray().add(violation)))
        .add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.Help").put("links", new JsonArray()
            .add(new JsonObject().put("description", "Learn more about Gemini API quotas")
                .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits"))));
    if (retryDelay != null) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", retryDelay));
    }
    return details;
  }

  private static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing "
      + "details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.";

  @Override
  public void rateLimited(RoutingContext ctx, ProviderState.Admission a) {
    String model = ctx.get("model", "gemini-2.5-flash-lite");
    long seconds = Gate.retryAfterSeconds(a);
    JsonArray details = a.byTokens()
        ? quotaDetails(model, "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
            "GenerateContentInputTokensPerModelPerMinute-FreeTier", a.tokenLimit(), seconds + "s")
        : quotaDetails(model, "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", a.limit(), seconds + "s");
    Gate.json(ctx, 429, error(429, QUOTA_MESSAGE + " Please retry in " + seconds + "s.", "RESOURCE_EXHAUSTED", details));
  }

  @Override
  public void terminalQuota(RoutingContext ctx) {
    String model = ctx.get("model", "gemini-2.5-flash-lite");
    JsonArray details = quotaDetails(model, "generativelanguage.googleapis.com/generate_content_free_tier_requests",
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier", 1000, "43200s");
    Gate.json(ctx, 429, error(429, QUOTA_MESSAGE, "RESOURCE_EXHAUSTED", details));
  }

  @Override
  public void serverError(RoutingContext ctx, int status) {
    if (status == 503) {
      Gate.json(ctx, 503, error(503, "The model is overloaded. Please try again later.", "UNAVAILABLE", null));
    } else {
      Gate.json(ctx, status, error(status, "An internal error has occurred. Please retry or report in "
          + "https://developers.generativeai.google/guide/troubleshooting", "INTERNAL", null));
    }
  }

  private Gate.Work parse(RoutingContext ctx) {
    String model = ctx.pathParam("param0");
    ctx.put("model", model);
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      Gate.json(ctx, 400, error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT", null));
      return null;
    }
    if (!(body.getValue("contents") instanceof JsonArray contents) || contents.isEmpty()) {
      Gate.json(ctx, 400, error(400, "* GenerateContentRequest.contents: contents is not specified\n",
          "INVALID_ARGUMENT", null));
      return null;
    }
    StringBuilder user = new StringBuilder();
    for (Object c : contents) {
      if (c instanceof JsonObject co) user.append(partsText(co.getValue("parts")));
    }
    String system = "";
    Object si = body.getValue("systemInstruction", body.getValue("system_instruction"));
    if (si instanceof JsonObject sio) system = partsText(sio.getValue("parts"));
    JsonObject gen = body.getValue("generationConfig") instanceof JsonObject g ? g : new JsonObject();
    int maxTokens = gen.getValue("maxOutputTokens") instanceof Number n ? n.intValue() : 0;
    LlmAnswers answers = new LlmAnswers(system, user.toString());
    Object schema = gen.getValue("responseJsonSchema", gen.getValue("responseSchema"));
    String mime = gen.getString("responseMimeType", "text/plain");
    String text;
    if (schema instanceof JsonObject s) {
      Object v = answers.fromSchema(lowerTypes(s));
      text = v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : String.valueOf(v);
    } else if ("application/json".equals(mime)) {
      text = answers.jsonObject().encode();
    } else {
      text = answers.summary(maxTokens);
    }
    long promptTokens = LlmAnswers.tokens(system + user);
    long completionTokens = LlmAnswers.tokens(text);
    Knobs knobs = state.knobs();
    boolean blocked = knobs.safetyBlockRate > 0 && state.nextContentDouble() < knobs.safetyBlockRate;
    String finalText = text;
    boolean stream = ctx.request().path().endsWith(":streamGenerateContent");
    boolean sse = "sse".equals(ctx.request().getParam("alt"));
    return new Gate.Work(promptTokens, promptTokens + maxTokens, 1.0, (c, malformed) -> {
      JsonObject usage = new JsonObject().put("promptTokenCount", promptTokens);
      JsonObject out = new JsonObject();
      if (blocked) {
        state.tokens(promptTokens, 0);
        usage.put("totalTokenCount", promptTokens);
        out.put("promptFeedback", new JsonObject().put("blockReason", "SAFETY").put("safetyRatings", new JsonArray()
            .add(new JsonObject().put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("probability", "HIGH"))));
      } else {
        JsonArray parts = new JsonArray();
        long thoughts = 0;
        if (knobs.thoughtPart) {
          String thought = "**Reading the request**\n\nThe user wants an answer grounded in the given text.";
          thoughts = LlmAnswers.tokens(thought);
          parts.add(new JsonObject().put("text", thought).put("thought", true));
        }
        parts.add(new JsonObject().put("text", finalText));
        state.tokens(promptTokens, completionTokens + thoughts);
        usage.put("candidatesTokenCount", completionTokens).put("totalTokenCount", promptTokens + completionTokens + thoughts);
        if (thoughts > 0) usage.put("thoughtsTokenCount", thoughts);
        usage.put("promptTokensDetails", new JsonArray().add(new JsonObject().put("modality", "TEXT")
            .put("tokenCount", promptTokens)));
        out.put("candidates", new JsonArray().add(new JsonObject()
            .put("content", new JsonObject().put("parts", parts).put("role", "model"))
            .put("finishReason", "STOP")
            .put("index", 0)));
      }
      out.put("usageMetadata", usage).put("modelVersion", model)
          .put("responseId", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
      if (stream && !malformed && !blocked) {
        streamAnswer(c, out, sse);
      } else if (stream && !malformed) {
        c.response().setStatusCode(200).putHeader("content-type", sse ? "text/event-stream" : "application/json")
            .end(sse ? "data: " + out.encode() + "\r\n\r\n" : new JsonArray().add(out).encode());
      } else {
        Gate.json(c, 200, out, malformed);
      }
    });
  }

  /**
   * {@code :streamGenerateContent}: the answer's text in pieces, the last chunk with finishReason and full
   * usage; {@code alt=sse} as server-sent events, otherwise one JSON array of the chunks.
   */
  private static void streamAnswer(RoutingContext ctx, JsonObject whole, boolean sse) {
    JsonObject cand = whole.getJsonArray("candidates").getJsonObject(0);
    JsonArray parts = cand.getJsonObject("content").getJsonArray("parts");
    JsonObject usage = whole.getJsonObject("usageMetadata");
    JsonArray chunks = new JsonArray();
    for (int p = 0; p < parts.size(); p++) {
      JsonObject part = parts.getJsonObject(p);
      String text = part.getString("text");
      for (int i = 0; i < Math.max(1, text.length()); i += 40) {
        JsonObject piece = part.copy().put("text", text.substring(i, Math.min(text.length(), i + 40)));
        JsonObject candidate = new JsonObject().put("content", new JsonObject().put("parts", new JsonArray().add(piece))
            .put("role", "model")).put("index", 0);
        chunks.add(new JsonObject().put("candidates", new JsonArray().add(candidate))
            .put("usageMetadata", new JsonObject().put("promptTokenCount", usage.getValue("promptTokenCount"))
                .put("totalTokenCount", usage.getValue("promptTokenCount")))
            .put("modelVersion", whole.getValue("modelVersion")).put("responseId", whole.getValue("responseId")));
      }
    }
    JsonObject last = chunks.getJsonObject(chunks.size() - 1);
    last.getJsonArray("candidates").getJsonObject(0).put("finishReason", "STOP");
    last.put("usageMetadata", usage);
    if (!sse) {
      ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(chunks.encode());
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (Object chunk : chunks) sb.append("data: ").append(((JsonObject) chunk).encode()).append("\r\n\r\n");
    ctx.response().setStatusCode(200).putHeader("content-type", "text/event-stream").end(sb.toString());
  }

  private static String partsText(Object parts) {
    StringBuilder sb = new StringBuilder();
    if (parts instanceof JsonArray a) {
      for (Object p : a) {
        if (p instanceof JsonObject o && o.getValue("text") instanceof String t) sb.append(t).append('\n');
      }
    }
    return sb.toString();
  }

  /** Gemini's OpenAPI-subset schemas spell types in upper case ({@code OBJECT}); JSON Schema in lower. */
  static JsonObject lowerTypes(JsonObject schema) {
    JsonObject out = new JsonObject();
    for (String k : schema.fieldNames()) {
      Object v = schema.getValue(k);
      if ("type".equals(k) && v instanceof String s) {
        out.put(k, s.toLowerCase(Locale.ROOT));
      } else if (v instanceof JsonObject o) {
        if ("properties".equals(k)) {
          JsonObject props = new JsonObject();
          for (String p : o.fieldNames()) {
            Object pv = o.getValue(p);
            props.put(p, pv instanceof JsonObject po ? lowerTypes(po) : pv);
          }
          out.put(k, props);
        } else {
          out.put(k, lowerTypes(o));
        }
      } else if (v instanceof JsonArray a && ("anyOf".equals(k) || "oneOf".equals(k))) {
        JsonArray arr = new JsonArray();
        for (Object x : a) arr.add(x instanceof JsonObject xo ? lowerTypes(xo) : x);
        out.put(k, arr);
      } else {
        out.put(k, v);
      }
    }
    if (schema.getValue("minItems") instanceof String s) out.put("minItems", Integer.parseInt(s));
    if (schema.getValue("maxItems") instanceof String s) out.put("maxItems", Integer.parseInt(s));
    if (Boolean.TRUE.equals(schema.getValue("nullable")) && out.getValue("type") instanceof String) {
      out.put("nullable", true);
    }
    return out;
  }
}
