package io.gtm.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code POST /v1/chat/completions} (and Gemini's compatible endpoint), in OpenAI's wire format. */
final class OpenAiApi implements Gate.Wire {
  private final ProviderState state;
  private final String providerName;

  OpenAiApi(ProviderState state) {
    this.state = state;
    this.providerName = state.name();
  }

  void handle(RoutingContext ctx, Gate gate) {
    gate.handle(ctx, state, this, this::parse);
  }

  @Override
  public String key(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return auth.substring(7).trim();
  }

  static JsonObject error(String message, String type, String param, String code) {
    JsonObject e = new JsonObject().put("message", message).put("type", type);
    e.put("param", param);
    e.put("code", code);
    return new JsonObject().put("error", e);
  }

  @Override
  public void unauthorized(RoutingContext ctx, boolean missing) {
    if (missing) {
      Gate.json(ctx, 401, error("You didn't provide an API key. You need to provide your API key in an Authorization "
          + "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
          + "username) if you're accessing the API from your browser and are prompted for a username and password. "
          + "You can obtain an API key from https://platform.openai.com/account/api-keys.",
          "invalid_request_error", null, null));
    } else {
      String key = key(ctx);
      String masked = key.length() <= 8 ? "****" : key.substring(0, 3) + "*".repeat(Math.min(20, key.length() - 7))
          + key.substring(key.length() - 4);
      Gate.json(ctx, 401, error("Incorrect API key provided: " + masked + ". You can find your API key at "
          + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key"));
    }
  }

  @Override
  public void rateLimited(RoutingContext ctx, ProviderState.Admission a) {
    String model = ctx.get("model", "gpt-4o-mini");
    long seconds = Gate.retryAfterSeconds(a);
    String kind = a.byTokens() ? "tokens per min (TPM)" : "requests per min (RPM)";
    String used = a.byTokens() ? "Used " + (a.tokenLimit() - a.tokensRemaining()) : "Used " + a.limit();
    String limit = a.byTokens() ? Long.toString(a.tokenLimit()) : Integer.toString(a.limit());
    String message = "Rate limit reached for " + model + " in organization org-simulator on " + kind + ": Limit "
        + limit + ", " + used + ", Requested 1. Please try again in " + Gate.goDuration(a.retryAfterMs())
        + ". Visit https://platform.openai.com/account/rate-limits to learn more.";
    HttpServerResponse r = ctx.response();
    r.putHeader("retry-after", Long.toString(seconds));
    r.putHeader("retry-after-ms", Long.toString(a.retryAfterMs()));
    rateHeaders(r, a);
    Gate.json(ctx, 429, error(message, a.byTokens() ? "tokens" : "requests", null, "rate_limit_exceeded"));
  }

  private static void rateHeaders(HttpServerResponse r, ProviderState.Admission a) {
    if (a.limit() > 0) {
      r.putHeader("x-ratelimit-limit-requests", Integer.toString(a.limit()));
      r.putHeader("x-ratelimit-remaining-requests", Integer.toString(a.remaining()));
      r.putHeader("x-ratelimit-reset-requests", Gate.goDuration(a.resetMs()));
    }
    if (a.tokenLimit() > 0) {
      r.putHeader("x-ratelimit-limit-tokens", Long.toString(a.tokenLimit()));
      r.putHeader("x-ratelimit-remaining-tokens", Long.toString(a.tokensRemaining()));
      r.putHeader("x-ratelimit-reset-tokens", Gate.goDuration(a.byTokens() ? a.retryAfterMs() : 0));
    }
  }

  @Override
  public void terminalQuota(RoutingContext ctx) {
    Gate.json(ctx, 429, error("You exceeded your current quota, please check your plan and billing details. For more "
        + "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "insufficient_quota", null, "insufficient_quota"));
  }

  @Override
  public void serverError(RoutingContext ctx, int status) {
    if (status == 503) {
      Gate.json(ctx, 503, error("The server is overloaded or not ready yet.", "server_error", null, null));
    } else {
      Gate.json(ctx, status, error("The server had an error while processing your request. Sorry about that!",
          "server_error", null, null));
    }
  }

  private Gate.Work parse(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      Gate.json(ctx, 400, error("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
          + "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid "
          + "JSON.)", "invalid_request_error", null, null));
      return null;
    }
    String model = body.getValue("model") instanceof String m ? m : null;
    if (model == null) {
      Gate.json(ctx, 400, error("you must provide a model parameter", "invalid_request_error", null, null));
      return null;
    }
    ctx.put("model", model);
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      Gate.json(ctx, 400, error("Missing required parameter: 'messages'.", "invalid_request_error", "messages",
          "missing_required_parameter"));
      return null;
    }
    StringBuilder system = new StringBuilder();
    StringBuilder user = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject m) || !(m.getValue("role") instanceof String role)) {
        Gate.json(ctx, 400, error("Invalid type for 'messages[" + i + "]': expected an object with a 'role'.",
            "invalid_request_error", "messages[" + i + "]", "invalid_type"));
        return null;
      }
      String text = contentText(m.getValue("content"));
      ("system".equals(role) || "developer".equals(role) ? system : user).append(text).append('\n');
    }
    Object maxTokensValue = body.getValue("max_completion_tokens", body.getValue("max_tokens"));
    int maxTokens = maxTokensValue instanceof Number n ? n.intValue() : 0;
    String prompt = system + "" + user;
    long promptTokens = LlmAnswers.tokens(prompt) + 3L * messages.size();
    String content;
    LlmAnswers answers = new LlmAnswers(system.toString(), user.toString());
    JsonObject format = body.getValue("response_format") instanceof JsonObject f ? f : null;
    String type = format == null ? "text" : format.getString("type", "text");
    if ("json_schema".equals(type)) {
      JsonObject js = format.getJsonObject("json_schema");
      JsonObject schema = js == null ? null : js.getJsonObject("schema");
      if (schema == null) {
        Gate.json(ctx, 400, error("Missing required parameter: 'response_format.json_schema'.", "invalid_request_error",
            "response_format.json_schema", "missing_required_parameter"));
        return null;
      }
      Object v = answers.fromSchema(schema);
      content = v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : String.valueOf(v);
    } else if ("json_object".equals(type)) {
      content = answers.jsonObject().encode();
    } else {
      content = answers.summary(maxTokens);
    }
    boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
    JsonObject streamOptions = body.getValue("stream_options") instanceof JsonObject so ? so : new JsonObject();
    boolean includeUsage = Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
    long completionTokens = LlmAnswers.tokens(content);
    String finalContent = content;
    return new Gate.Work(promptTokens, promptTokens + maxTokens, 1.0, (c, malformed) -> {
      state.tokens(promptTokens, completionTokens);
      ProviderState.Admission a = c.get("admission");
      if (a != null) rateHeaders(c.response(), a);
      c.response().putHeader("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
      String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
      long created = System.currentTimeMillis() / 1000;
      JsonObject usage = new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
          .put("total_tokens", promptTokens + completionTokens);
      if (stream && !malformed) {
        streamAnswer(c, id, created, model, finalContent, includeUsage ? usage : null);
        return;
      }
      JsonObject message = new JsonObject().put("role", "assistant").put("content", finalContent).putNull("refusal");
      JsonObject out = new JsonObject()
          .put("id", id)
          .put("object", "chat.completion")
          .put("created", created)
          .put("model", model)
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
              .putNull("logprobs").put("finish_reason", "stop")))
          .put("usage", usage)
          .put("system_fingerprint", "fp_simulator");
      Gate.json(c, 200, out, malformed);
    });
  }

  private static String contentText(Object content) {
    if (content instanceof String s) return s;
    if (content instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        if (p instanceof JsonObject o && o.getValue("text") instanceof String t) sb.append(t).append('\n');
      }
      return sb.toString();
    }
    return "";
  }

  private static void streamAnswer(RoutingContext ctx, String id, long created, String model, String content,
                                   JsonObject usage) {
    HttpServerResponse r = ctx.response();
    r.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    Buffer out = Buffer.buffer();
    out.appendString(chunk(id, created, model, new JsonObject().put("role", "assistant").put("content", ""), null,
        usage != null));
    for (int i = 0; i < content.length(); i += 24) {
      String piece = content.substring(i, Math.min(content.length(), i + 24));
      out.appendString(chunk(id, created, model, new JsonObject().put("content", piece), null, usage != null));
    }
    out.appendString(chunk(id, created, model, new JsonObject(), "stop", usage != null));
    if (usage != null) {
      JsonObject last = new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
          .put("model", model).put("system_fingerprint", "fp_simulator").put("choices", new JsonArray())
          .put("usage", usage);
      out.appendString("data: " + last.encode() + "\n\n");
    }
    out.appendString("data: [DONE]\n\n");
    r.write(out);
    r.end();
  }

  private static String chunk(String id, long created, String model, JsonObject delta, String finish,
                              boolean usageNull) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs");
    choice.put("finish_reason", finish);
    JsonObject c = new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model).put("system_fingerprint", "fp_simulator").put("choices", new JsonArray().add(choice));
    if (usageNull) c.putNull("usage");
    return "data: " + c.encode() + "\n\n";
  }
}
