package io.gtm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmContentTest extends SimulatorTestBase {
  static final JsonObject ANALYSIS_SCHEMA = new JsonObject()
      .put("type", "object")
      .put("additionalProperties", false)
      .put("required", new JsonArray().add("domain").add("technologies").add("signals").add("confidence_score")
          .add("summary").add("goal_match").add("evidence_count").add("stage"))
      .put("properties", new JsonObject()
          .put("domain", new JsonObject().put("type", "string"))
          .put("technologies", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "string")))
          .put("signals", new JsonObject().put("type", "array").put("minItems", 1).put("maxItems", 4)
              .put("items", new JsonObject().put("type", "string")))
          .put("confidence_score", new JsonObject().put("type", "number").put("minimum", 0).put("maximum", 1))
          .put("summary", new JsonObject().put("type", "string"))
          .put("goal_match", new JsonObject().put("type", "boolean"))
          .put("evidence_count", new JsonObject().put("type", "integer").put("minimum", 0))
          .put("stage", new JsonObject().put("type", "string").put("enum", new JsonArray().add("seed").add("growth").add("public"))));

  static final JsonObject STRATEGIES_SCHEMA = new JsonObject()
      .put("type", "object")
      .put("required", new JsonArray().add("strategies"))
      .put("properties", new JsonObject().put("strategies", new JsonObject().put("type", "array")
          .put("minItems", 4).put("maxItems", 6)
          .put("items", new JsonObject().put("type", "object")
              .put("required", new JsonArray().add("channel").add("query_template").add("relevance_score"))
              .put("properties", new JsonObject()
                  .put("channel", new JsonObject().put("type", "string")
                      .put("enum", new JsonArray().add("google_search").add("news_search").add("jobs_search")))
                  .put("query_template", new JsonObject().put("type", "string"))
                  .put("relevance_score", new JsonObject().put("type", "number").put("minimum", 0).put("maximum", 1))))));

  private static JsonObject withSchema(JsonObject req, JsonObject schema) {
    return req.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema",
        new JsonObject().put("name", "result").put("strict", true).put("schema", schema)));
  }

  private JsonObject askOpenAi(JsonObject req) throws Exception {
    var r = postJson("/v1/chat/completions", req, "Authorization", "Bearer k");
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content"));
  }

  @Test
  void jsonSchemaAnswerValidatesAndReflectsTheEvidence() throws Exception {
    String evidence = "Evidence for acme.com: Acme runs Kubernetes and Kafka on AWS. Acme is hiring platform engineers. "
        + "Acme announced funding last month.";
    JsonObject rich = askOpenAi(withSchema(chat(evidence), ANALYSIS_SCHEMA));
    assertThat(SchemaCheck.errors(rich, ANALYSIS_SCHEMA)).isEmpty();
    assertThat(rich.getJsonArray("technologies").getList()).containsExactlyInAnyOrder("Kubernetes", "Kafka", "AWS");
    assertThat(rich.getJsonArray("signals").getList()).contains("hiring", "funding");
    assertThat(rich.getString("domain")).isEqualTo("acme.com");

    JsonObject poor = askOpenAi(withSchema(chat("Evidence for acme.com: nothing relevant was found."), ANALYSIS_SCHEMA));
    assertThat(SchemaCheck.errors(poor, ANALYSIS_SCHEMA)).isEmpty();
    assertThat(poor.getDouble("confidence_score")).isLessThan(rich.getDouble("confidence_score"));
  }

  @Test
  void strategiesSchemaGetsTemplatesWithPlaceholdersOnEveryChannel() throws Exception {
    JsonObject out = askOpenAi(withSchema(chat("Goal: find companies migrating to Snowflake that are hiring."),
        STRATEGIES_SCHEMA));
    assertThat(SchemaCheck.errors(out, STRATEGIES_SCHEMA)).isEmpty();
    List<String> channels = new ArrayList<>();
    for (Object o : out.getJsonArray("strategies")) {
      JsonObject s = (JsonObject) o;
      channels.add(s.getString("channel"));
      assertThat(s.getString("query_template")).contains("{COMPANY_NAME}");
    }
    assertThat(channels).contains("google_search", "news_search", "jobs_search");
  }

  @Test
  void geminiResponseSchemaInUpperCaseTypesValidates() throws Exception {
    JsonObject geminiSchema = new JsonObject().put("type", "OBJECT")
        .put("properties", new JsonObject()
            .put("title", new JsonObject().put("type", "STRING"))
            .put("technologies", new JsonObject().put("type", "ARRAY").put("items", new JsonObject().put("type", "STRING")))
            .put("confidence", new JsonObject().put("type", "NUMBER")))
        .put("required", new JsonArray().add("title").add("technologies").add("confidence"));
    JsonObject body = new JsonObject()
        .put("contents", new JsonArray().add(new JsonObject().put("role", "user").put("parts", new JsonArray()
            .add(new JsonObject().put("text", "Acme uses Snowflake and dbt. It is expanding.")))))
        .put("generationConfig", new JsonObject().put("responseMimeType", "application/json")
            .put("responseSchema", geminiSchema));
    var r = postJson("/v1beta/models/gemini-2.5-flash:generateContent", body, "x-goog-api-key", "k");
    JsonObject out = new JsonObject(r.bodyAsJsonObject().getJsonArray("candidates").getJsonObject(0)
        .getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text"));
    assertThat(SchemaCheck.errors(out, GeminiApi.lowerTypes(geminiSchema))).isEmpty();
    assertThat(out.getJsonArray("technologies").getList()).containsExactlyInAnyOrder("Snowflake", "dbt");
    assertThat(out.getDouble("confidence")).isBetween(0.0, 1.0);
  }

  @Test
  void jsonObjectModeFillsTheKeysOfTheExampleInThePrompt() throws Exception {
    JsonObject req = chat("Write a title and a preview for this summary. Answer as {\"title\": \"...\", \"preview\": \"...\"}."
        + "\n\nSummary:\nThe captain crossed the sea. A storm broke the mast. The crew survived.")
        .put("response_format", new JsonObject().put("type", "json_object"));
    JsonObject out = askOpenAi(req);
    assertThat(out.fieldNames()).containsExactlyInAnyOrder("title", "preview");
    assertThat(out.getString("title")).isNotBlank();
    assertThat(out.getString("preview")).isNotBlank();
  }

  @Test
  void plainTextAnswerIsTheFirstSentencesOfTheText() throws Exception {
    var r = postJson("/v1/chat/completions", chat("Summarize the following text:\nIt was a dark and stormy night. "
        + "The rain fell in torrents. Except at occasional intervals, it was checked by a violent gust of wind."),
        "Authorization", "Bearer k");
    String content = r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content");
    assertThat(content).startsWith("It was a dark and stormy night.").doesNotContain("Summarize");
  }

  @Test
  void streamedAnswerHasChunksUsageAndEndsWithDone() throws Exception {
    JsonObject req = chat("Summarize: One fish. Two fish. Red fish. Blue fish.").put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    var r = postJson("/v1/chat/completions", req, "Authorization", "Bearer k");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/event-stream");
    String[] events = r.bodyAsString().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    JsonObject usage = null;
    String finish = null;
    for (int i = 0; i < events.length - 1; i++) {
      assertThat(events[i]).startsWith("data: ");
      JsonObject chunk = new JsonObject(events[i].substring(6));
      assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
      JsonArray choices = chunk.getJsonArray("choices");
      if (choices.isEmpty()) {
        usage = chunk.getJsonObject("usage");
        continue;
      }
      JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
      if (delta.getString("content") != null) text.append(delta.getString("content"));
      if (choices.getJsonObject(0).getString("finish_reason") != null) finish = choices.getJsonObject(0).getString("finish_reason");
    }
    assertThat(text.toString()).contains("One fish.");
    assertThat(finish).isEqualTo("stop");
    assertThat(usage).isNotNull();
    assertThat(usage.getInteger("completion_tokens")).isPositive();
    assertThat(events[events.length - 2]).contains("\"choices\":[]");
  }

  @Test
  void geminiStreamGenerateContentSendsSseChunksEndingWithStopAndUsage() throws Exception {
    JsonObject body = new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("role", "user")
        .put("parts", new JsonArray().add(new JsonObject().put("text",
            "Summarize: The lighthouse keeper climbed the stairs every night. He lit the lamp. Ships passed safely.")))));
    var r = postJson("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body, "x-goog-api-key", "k");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/event-stream");
    String[] events = r.bodyAsString().split("\r\n\r\n");
    assertThat(events.length).isGreaterThan(1);
    StringBuilder text = new StringBuilder();
    JsonObject last = null;
    for (String e : events) {
      assertThat(e).startsWith("data: ");
      last = new JsonObject(e.substring(6));
      text.append(last.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts")
          .getJsonObject(0).getString("text"));
    }
    assertThat(text.toString()).startsWith("The lighthouse keeper climbed the stairs every night.");
    assertThat(last.getJsonArray("candidates").getJsonObject(0).getString("finishReason")).isEqualTo("STOP");
    assertThat(last.getJsonObject("usageMetadata").getInteger("candidatesTokenCount")).isPositive();
  }
}
