package io.gtm.common.json;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Reads the JSON object an LLM answered, tolerating a Markdown code fence or text around it. */
public final class LlmJson {
  private LlmJson() {}

  /** The JSON object in {@code text}; throws {@link DecodeException} when there is none. */
  public static JsonObject parseObject(String text) {
    if (text == null) {
      throw new DecodeException("empty answer");
    }
    String t = text.strip();
    if (t.startsWith("```")) {
      int firstNewline = t.indexOf('\n');
      int fenceEnd = t.lastIndexOf("```");
      if (firstNewline > 0 && fenceEnd > firstNewline) {
        t = t.substring(firstNewline + 1, fenceEnd).strip();
      }
    }
    try {
      return new JsonObject(t);
    } catch (DecodeException e) {
      int start = t.indexOf('{');
      int end = t.lastIndexOf('}');
      if (start >= 0 && end > start) {
        return new JsonObject(t.substring(start, end + 1));
      }
      throw e;
    }
  }
}
