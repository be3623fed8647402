package io.gtm.summarizer;

import io.gtm.common.json.LlmJson;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.summarizer.internal.DocumentSchedule.Kind;
import io.gtm.summarizer.internal.DocumentSchedule.Task;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The three prompts of the pipeline and the checks on their answers. Every answer is a JSON object
 * asked with a JSON schema; an answer without the expected non-empty strings is invalid (the task
 * is tried again, never stored). {@link #VERSION} is part of every cache key: change it when a
 * prompt changes.
 */
final class Prompts {
  static final String VERSION = "documents-v1";

  private static final String SYSTEM_MAP = "You summarise one part of a chapter of a book. Write a faithful, "
      + "concise summary (4-6 sentences) of the events, people and ideas in the text, in plain prose. "
      + "Answer with JSON {\"summary\": \"...\"}.";
  private static final String SYSTEM_REDUCE = "You merge the summaries of consecutive parts of one chapter of a "
      + "book into one summary of the chapter (5-8 sentences), in order, without repetition. "
      + "Answer with JSON {\"summary\": \"...\"}.";
  private static final String SYSTEM_TITLE = "From the summary of a chapter, write a short descriptive title "
      + "(at most 8 words) and a one or two sentence preview that invites reading. "
      + "Answer with JSON {\"title\": \"...\", \"preview\": \"...\"}.";

  private static final JsonObject SUMMARY_SCHEMA = new JsonObject().put("type", "object")
      .put("properties", new JsonObject().put("summary", new JsonObject().put("type", "string").put("minLength", 1)))
      .put("required", new JsonArray().add("summary")).put("additionalProperties", false);
  private static final JsonObject TITLE_SCHEMA = new JsonObject().put("type", "object")
      .put("properties", new JsonObject()
          .put("title", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 120))
          .put("preview", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 600)))
      .put("required", new JsonArray().add("title").add("preview")).put("additionalProperties", false);

  private Prompts() {}

  static String operation(Kind kind) {
    return switch (kind) {
      case MAP -> LlmOperations.SUMMARIZE_CHUNK;
      case REDUCE -> LlmOperations.REDUCE;
      case TITLE -> LlmOperations.TITLE_PREVIEW;
    };
  }

  /** The structured input of a task (what the offline provider reads, and what the cache key hashes). */
  static JsonObject input(Task task) {
    JsonObject input = new JsonObject().put("heading", task.heading());
    return switch (task.kind()) {
      case MAP -> input.put("text", task.inputs().get(0));
      case REDUCE -> input.put("summaries", new JsonArray(task.inputs()));
      case TITLE -> input.put("summary", task.inputs().get(0));
    };
  }

  static LlmRequest request(Task task) {
    JsonObject input = input(task);
    String heading = task.heading();
    return switch (task.kind()) {
      case MAP -> LlmRequest.json(LlmOperations.SUMMARIZE_CHUNK, SYSTEM_MAP,
          "Chapter: " + heading + "\n\nSummarize:\n" + task.inputs().get(0), input, 400, "chunk_summary", SUMMARY_SCHEMA);
      case REDUCE -> {
        StringBuilder user = new StringBuilder("Chapter: ").append(heading).append("\n\nSummaries of its parts, in order:\n");
        int i = 1;
        for (String s : task.inputs()) {
          user.append("\n[").append(i++).append("] ").append(s).append('\n');
        }
        yield LlmRequest.json(LlmOperations.REDUCE, SYSTEM_REDUCE, user.toString(), input, 600, "chapter_summary",
            SUMMARY_SCHEMA);
      }
      case TITLE -> LlmRequest.json(LlmOperations.TITLE_PREVIEW, SYSTEM_TITLE,
          "Chapter: " + heading + "\n\nSummary:\n" + task.inputs().get(0), input, 200, "title_preview", TITLE_SCHEMA);
    };
  }

  /** The answer's fields, checked: {summary} for MAP and REDUCE, {title, preview} for TITLE. */
  static JsonObject parse(Kind kind, String text) {
    JsonObject json;
    try {
      json = LlmJson.parseObject(text);
    } catch (RuntimeException e) {
      throw new InvalidAnswer("the answer is not a JSON object");
    }
    if (kind == Kind.TITLE) {
      return new JsonObject().put("title", required(json, "title")).put("preview", required(json, "preview"));
    }
    return new JsonObject().put("summary", required(json, "summary"));
  }

  private static String required(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new InvalidAnswer("the answer has no " + field);
    }
    return s.strip();
  }

  /** An answer that cannot be used. */
  static final class InvalidAnswer extends RuntimeException {
    InvalidAnswer(String message) {
      super(message, null, false, false);
    }
  }
}
