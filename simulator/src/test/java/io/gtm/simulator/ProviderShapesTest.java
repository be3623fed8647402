package io.gtm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ProviderShapesTest extends SimulatorTestBase {

  @Test
  void openAiChatCompletionHasTheDocumentedShapeAndUsage() throws Exception {
    var r = postJson("/v1/chat/completions", chat("Summarize: Acme builds robots. They use Kafka. Sales grew."),
        "Authorization", "Bearer sk-test");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    assertThat(b.getString("id")).startsWith("chatcmpl-");
    assertThat(b.getString("object")).isEqualTo("chat.completion");
    assertThat(b.getLong("created")).isPositive();
    assertThat(b.getString("model")).isEqualTo("gpt-4o-mini");
    JsonObject choice = b.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getInteger("index")).isZero();
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
    assertThat(choice.getJsonObject("message").getString("content")).contains("Acme builds robots.");
    JsonObject usage = b.getJsonObject("usage");
    assertThat(usage.getInteger("prompt_tokens")).isPositive();
    assertThat(usage.getInteger("total_tokens"))
        .isEqualTo(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"));
  }

  @Test
  void geminiOpenAiCompatibleEndpointAnswersLikeOpenAiAndCountsForGemini() throws Exception {
    var r = postJson("/v1beta/openai/chat/completions", chat("Hello there. How are you?"), "Authorization", "Bearer g");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("object")).isEqualTo("chat.completion");
    assertThat(sim.stats("gemini").getLong("requests_total")).isEqualTo(1);
    assertThat(sim.stats("openai").getLong("requests_total")).isZero();
  }

  @Test
  void geminiGenerateContentHasCandidatesAndUsageMetadata() throws Exception {
    JsonObject body = new JsonObject()
        .put("contents", new JsonArray().add(new JsonObject().put("role", "user").put("parts",
            new JsonArray().add(new JsonObject().put("text", "Summarize: The sea was calm. Ships sailed.")))))
        .put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", "Be brief."))))
        .put("generationConfig", new JsonObject().put("temperature", 0.2).put("maxOutputTokens", 200));
    var r = postJson("/v1beta/models/gemini-2.5-flash-lite:generateContent", body, "x-goog-api-key", "AIza-test");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    JsonObject cand = b.getJsonArray("candidates").getJsonObject(0);
    assertThat(cand.getString("finishReason")).isEqualTo("STOP");
    assertThat(cand.getInteger("index")).isZero();
    assertThat(cand.getJsonObject("content").getString("role")).isEqualTo("model");
    assertThat(cand.getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text"))
        .contains("The sea was calm.");
    JsonObject usage = b.getJsonObject("usageMetadata");
    assertThat(usage.getInteger("totalTokenCount"))
        .isEqualTo(usage.getInteger("promptTokenCount") + usage.getInteger("candidatesTokenCount"));
    assertThat(b.getString("modelVersion")).isEqualTo("gemini-2.5-flash-lite");

    // ?key= is accepted as well
    var viaParam = postJson("/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-test", body, null, null);
    assertThat(viaParam.statusCode()).isEqualTo(200);
  }

  @Test
  void geminiKnobsAddAThoughtPartOrBlockForSafety() throws Exception {
    JsonObject body = new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("parts",
        new JsonArray().add(new JsonObject().put("text", "Say something.")))));
    sim.configure("gemini", new JsonObject().put("thought_part", true));
    var thinking = postJson("/v1beta/models/gemini-2.5-flash:generateContent", body, "x-goog-api-key", "k")
        .bodyAsJsonObject();
    JsonArray parts = thinking.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts");
    assertThat(parts).hasSize(2);
    assertThat(parts.getJsonObject(0).getBoolean("thought")).isTrue();
    assertThat(parts.getJsonObject(1).containsKey("thought")).isFalse();

    sim.configure("gemini", new JsonObject().put("safety_block_rate", 1.0));
    var blocked = postJson("/v1beta/models/gemini-2.5-flash:generateContent", body, "x-goog-api-key", "k")
        .bodyAsJsonObject();
    assertThat(blocked.containsKey("candidates")).isFalse();
    assertThat(blocked.getJsonObject("promptFeedback").getString("blockReason")).isEqualTo("SAFETY");
  }

  @Test
  void tavilySearchReturnsResultsAboutTheCompanyInTheQuery() throws Exception {
    var r = postJson("/search", new JsonObject().put("query", "acme-robotics.com technology stack")
        .put("search_depth", "basic").put("max_results", 3), "Authorization", "Bearer tvly-dev-123");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    assertThat(b.getString("query")).isEqualTo("acme-robotics.com technology stack");
    assertThat(b.getValue("answer")).isNull();
    assertThat(b.getJsonArray("images")).isEmpty();
    assertThat(b.getString("request_id")).isNotBlank();
    assertThat(b.getValue("response_time")).isInstanceOf(Number.class);
    JsonArray results = b.getJsonArray("results");
    assertThat(results).hasSize(3);
    JsonObject first = results.getJsonObject(0);
    assertThat(first.fieldNames()).contains("title", "url", "content", "score", "raw_content");
    assertThat(first.getString("url")).contains("acme-robotics.com");
    assertThat(first.getString("content")).contains("Acme Robotics");

    // legacy form: api_key in the body
    var legacy = postJson("/search", new JsonObject().put("query", "Acme Robotics news").put("api_key", "tvly-x"), null, null);
    assertThat(legacy.statusCode()).isEqualTo(200);
    assertThat(legacy.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getString("content"))
        .contains("Acme Robotics");
  }

  @Test
  void tavilyRejectsAQueryLongerThan400Characters() throws Exception {
    var r = postJson("/search", new JsonObject().put("query", "x".repeat(401)), "Authorization", "Bearer tvly-1");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getJsonObject("detail").getString("error")).contains("400");
  }

  @Test
  void newsApiEverythingHasTheDocumentedShapeAndPages() throws Exception {
    String domain = domainWith(p -> p.hasNews() && p.newsCount() >= 3);
    var r = get("/v2/everything?q=" + domain + "&pageSize=2&page=1&sortBy=publishedAt&language=en", "X-Api-Key", "n1");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    assertThat(b.getString("status")).isEqualTo("ok");
    assertThat(b.getInteger("totalResults")).isEqualTo(CompanyProfiles.of(domain).newsCount());
    JsonArray articles = b.getJsonArray("articles");
    assertThat(articles).hasSize(2);
    JsonObject a = articles.getJsonObject(0);
    assertThat(a.fieldNames()).contains("source", "author", "title", "description", "url", "urlToImage", "publishedAt", "content");
    assertThat(a.getJsonObject("source").fieldNames()).contains("id", "name");

    var viaParam = get("/v2/everything?q=" + domain + "&apiKey=n1", null, null);
    assertThat(viaParam.statusCode()).isEqualTo(200);
    String quiet = domainWith(p -> !p.hasNews());
    var none = get("/v2/everything?q=" + quiet, "X-Api-Key", "n1").bodyAsJsonObject();
    assertThat(none.getInteger("totalResults")).isZero();
    assertThat(none.getJsonArray("articles")).isEmpty();
  }

  @Test
  void newsApiAnswersParametersMissingWithoutAQuery() throws Exception {
    var r = get("/v2/everything?pageSize=5", "X-Api-Key", "n1");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("error");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("parametersMissing");
  }

  @Test
  void greenhouseJobsAreHtmlEscapedAndCarryContentOnlyWhenAsked() throws Exception {
    String domain = domainWith(CompanyProfile::hasBoard);
    String token = CompanyProfiles.of(domain).boardToken();
    var r = get("/v1/boards/" + token + "/jobs?content=true", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    JsonArray jobs = b.getJsonArray("jobs");
    assertThat(b.getJsonObject("meta").getInteger("total")).isEqualTo(jobs.size()).isPositive();
    JsonObject job = jobs.getJsonObject(0);
    assertThat(job.fieldNames()).contains("id", "internal_job_id", "title", "updated_at", "requisition_id", "location",
        "absolute_url", "metadata", "data_compliance", "content", "departments", "offices");
    assertThat(job.getValue("metadata")).isNull();
    assertThat(job.getString("content")).startsWith("&lt;").contains("&lt;p&gt;").doesNotContain("<p>");
    assertThat(job.getJsonArray("departments").getJsonObject(0).fieldNames()).contains("id", "name", "child_ids", "parent_id");
    assertThat(job.getJsonArray("offices").getJsonObject(0).fieldNames()).contains("id", "name", "location", "child_ids", "parent_id");

    var plain = get("/v1/boards/" + token + "/jobs", null, null).bodyAsJsonObject();
    assertThat(plain.getJsonArray("jobs").getJsonObject(0).containsKey("content")).isFalse();
  }

  @Test
  void greenhouseUnknownBoardIs404WithTheRealBody() throws Exception {
    String token = CompanyProfiles.of(domainWith(p -> !p.hasBoard())).boardToken();
    var r = get("/v1/boards/" + token + "/jobs?content=true", null, null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", 404).put("error", "Job not found"));
    var board = get("/v1/boards/" + token, null, null);
    assertThat(board.statusCode()).isEqualTo(404);
    assertThat(board.bodyAsJsonObject().getString("error")).isEqualTo("Job board not found");
  }

  /** The first of company0.com, company1.com, ... whose profile matches. */
  static String domainWith(java.util.function.Predicate<CompanyProfile> p) {
    for (int i = 0; i < 1000; i++) {
      String d = "company" + i + ".com";
      if (p.test(CompanyProfiles.of(d))) return d;
    }
    throw new AssertionError("no domain matches");
  }
}
