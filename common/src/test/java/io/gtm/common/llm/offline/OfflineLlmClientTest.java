package io.gtm.common.llm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.LlmResponse;
import io.gtm.common.model.Evidence;
import io.gtm.common.model.Strategy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OfflineLlmClientTest {
  private static final String GOAL = "Find fintech companies using Kubernetes that are hiring platform engineers";
  private final OfflineLlmClient client = new OfflineLlmClient();

  private JsonObject ask(String op, JsonObject input) {
    LlmResponse r = client.answer(LlmRequest.json(op, "sys", "user", input, 800, op, null));
    assertThat(r.provider()).isEqualTo("offline");
    assertThat(r.completionTokens()).isPositive();
    return new JsonObject(r.text());
  }

  @Test
  void strategiesCountFollowsTheDepthAndEveryChannelIsRepresented() {
    for (String depth : List.of("quick", "standard", "comprehensive")) {
      JsonArray strategies = ask(LlmOperations.STRATEGIES,
          new JsonObject().put("research_goal", GOAL).put("search_depth", depth)).getJsonArray("strategies");
      int min = depth.equals("quick") ? 4 : depth.equals("standard") ? 7 : 11;
      int max = depth.equals("quick") ? 6 : depth.equals("standard") ? 10 : 13;
      assertThat(strategies.size()).as(depth).isBetween(min, max);
      List<Strategy> parsed = new ArrayList<>();
      strategies.forEach(s -> parsed.add(Strategy.fromJson((JsonObject) s)));
      assertThat(parsed).extracting(Strategy::channel)
          .contains("google_search", "news_search", "jobs_search");
      assertThat(parsed).filteredOn(s -> !s.channel().equals("jobs_search"))
          .allMatch(s -> s.queryTemplate().contains("{COMPANY_NAME}") || s.queryTemplate().contains("{DOMAIN}"));
      assertThat(parsed).anyMatch(s -> s.queryTemplate().contains("Kubernetes"));
      assertThat(parsed).extracting(st -> st.channel() + st.queryTemplate()).doesNotHaveDuplicates();
    }
  }

  @Test
  void strategiesHonourARequestedCountWithinTheDepthRange() {
    JsonObject input = new JsonObject().put("research_goal", GOAL).put("search_depth", "comprehensive").put("count", 13);
    assertThat(ask(LlmOperations.STRATEGIES, input).getJsonArray("strategies")).hasSize(13);
    input.put("count", 50);
    assertThat(ask(LlmOperations.STRATEGIES, input).getJsonArray("strategies")).hasSize(13);
  }

  @Test
  void answersAreDeterministic() {
    JsonObject input = new JsonObject().put("research_goal", GOAL).put("domain", "stripe.com")
        .put("evidence", evidenceJson(manyEvidence(50, 40)));
    String a = client.answer(LlmRequest.text(LlmOperations.ANALYZE, null, null, input, 100)).text();
    String b = new OfflineLlmClient().answer(LlmRequest.text(LlmOperations.ANALYZE, null, null, input.copy(), 100)).text();
    assertThat(a).isEqualTo(b);
    JsonObject s = new JsonObject().put("research_goal", GOAL).put("search_depth", "standard");
    assertThat(client.answer(LlmRequest.text(LlmOperations.STRATEGIES, null, null, s, 100)).text())
        .isEqualTo(client.answer(LlmRequest.text(LlmOperations.STRATEGIES, null, null, s.copy(), 100)).text());
  }

  @Test
  void analysisReadsEveryEvidenceItemIncludingTheLastOnes() {
    List<Evidence> evidence = manyEvidence(300, 297);
    JsonObject out = ask(LlmOperations.ANALYZE, new JsonObject().put("research_goal", GOAL)
        .put("domain", "acme.com").put("evidence", evidenceJson(evidence)));
    assertThat(out.getJsonArray("technologies").getList()).contains("Kubernetes", "Terraform", "Apache Kafka");
    JsonArray signals = out.getJsonArray("goal_match_signals");
    assertThat(signals).isNotEmpty();
    assertThat(signals.stream().map(o -> ((JsonObject) o).getString("snippet")))
        .anyMatch(s -> s.contains("Kubernetes"));
  }

  @Test
  void confidenceIsZeroWithoutEvidenceAndGrowsWithCorroboratingSources() {
    assertThat(EvidenceScorer.score(GOAL, List.of()).confidence()).isZero();
    String snippet = "Acme, a fintech, is hiring platform engineers to run Kubernetes clusters.";
    double one = EvidenceScorer.score(GOAL, List.of(new Evidence("u1", "Jobs", snippet, "greenhouse", null))).confidence();
    double three = EvidenceScorer.score(GOAL, List.of(
        new Evidence("u1", "Jobs", snippet, "greenhouse", null),
        new Evidence("u2", "News", snippet, "techcrunch", null),
        new Evidence("u3", "Blog", snippet, "acme.com", null))).confidence();
    double unrelated = EvidenceScorer.score(GOAL, List.of(
        new Evidence("u4", "Picnic", "The office picnic had sandwiches and lemonade.", "blog", null))).confidence();
    assertThat(one).isGreaterThan(unrelated);
    assertThat(three).isGreaterThan(one);
    assertThat(three).isLessThanOrEqualTo(1.0);
  }

  @Test
  void technologyMatchingRespectsWordBoundariesAndCase() {
    assertThat(TechnologyDictionary.size()).isGreaterThan(300);
    assertThat(TechnologyDictionary.find("We use Go, C++, C# and Node.js on .NET with k8s."))
        .contains("Go", "C++", "C#", "Node.js", ".NET", "Kubernetes");
    assertThat(TechnologyDictionary.find("Let us go to the spark plug shop; reactive people."))
        .doesNotContain("Go", "Apache Spark", "React");
    assertThat(TechnologyDictionary.find("We run Ruby on Rails and PostgreSQL")).contains("Ruby on Rails", "PostgreSQL")
        .doesNotContain("Ruby");
  }

  @Test
  void chapterSummaryIsMadeOfTheChaptersOwnSentencesAndShorter() throws Exception {
    String chapter = mobyDickChapterOne();
    String summary = ask(LlmOperations.SUMMARIZE_CHUNK, new JsonObject().put("text", chapter)
        .put("heading", "CHAPTER 1. Loomings.")).getString("summary");
    assertThat(summary.length()).isBetween(100, chapter.length() / 4);
    String flat = SentenceSplitter.normalize(chapter);
    List<String> sentences = SentenceSplitter.split(summary);
    assertThat(sentences.size()).isBetween(1, 4);
    assertThat(sentences).allSatisfy(s -> assertThat(flat).contains(s));

    String reduced = ask(LlmOperations.REDUCE, new JsonObject().put("heading", "CHAPTER 1. Loomings.")
        .put("summaries", new JsonArray().add(summary).add(summary.toUpperCase()))).getString("summary");
    assertThat(reduced).isNotBlank();

    JsonObject tp = ask(LlmOperations.TITLE_PREVIEW, new JsonObject().put("summary", summary)
        .put("heading", "CHAPTER 1. Loomings."));
    String title = tp.getString("title");
    assertThat(title.split(" ").length).isBetween(2, 8);
    assertThat(title).isNotEqualToIgnoringCase("CHAPTER 1. Loomings.").isNotEqualToIgnoringCase("Loomings");
    assertThat(tp.getString("preview").length()).isBetween(20, 200);
    assertThat(summary).startsWith(tp.getString("preview").replace("\u2026", "").strip());
  }

  @Test
  void sentenceSplitterKeepsTitlesInitialsAndDialogueTogether() {
    List<String> s = SentenceSplitter.split("Mr. Pumblechook and Mrs. Joe went to St. Paul's. "
        + "\u201cWhat!\u201d said he. \u201cNo,\u201d said M. Myriel. She left.");
    assertThat(s).containsExactly("Mr. Pumblechook and Mrs. Joe went to St. Paul's.",
        "\u201cWhat!\u201d said he.", "\u201cNo,\u201d said M. Myriel.", "She left.");
  }

  @Test
  void titleIsNeverTheHeading() {
    String summary = "Loomings loomings everywhere. The loomings of the sea call Ishmael.";
    assertThat(TitleWriter.title(summary, "Loomings")).isNotEqualToIgnoringCase("Loomings");
    assertThat(TitleWriter.title(summary, "Sea Call Ishmael")).isNotEqualToIgnoringCase("Sea Call Ishmael");
  }

  @Test
  void everyReportStepValidatesAgainstItsSchemaAndUsesTheEvidence() {
    JsonObject previous = new JsonObject();
    List<Evidence> evidence = manyEvidence(30, 10);
    for (String step : ReportShapes.STEPS) {
      JsonObject body = ask(LlmOperations.REPORT_STEP, new JsonObject().put("step", step).put("domain", "acme.com")
          .put("research_goal", GOAL).put("evidence", evidenceJson(evidence)).put("previous", previous));
      assertThat(ReportShapes.validate(step, body)).as(step + ": " + body.encode()).isEmpty();
      previous.put(step, body);
    }
    assertThat(previous.getJsonObject("profile").getJsonArray("technologies").getList()).contains("Kubernetes");
    assertThat(previous.getJsonObject("metrics").getInteger("evidence_count")).isEqualTo(30);
    assertThat(ReportShapes.validate("metrics", new JsonObject().put("evidence_count", "x")))
        .anyMatch(e -> e.contains("evidence_count")).anyMatch(e -> e.contains("confidence"));
  }

  @Test
  void unknownOperationAndBadInputFailTerminally() {
    assertThat(client.complete(LlmRequest.text("dance", null, null, new JsonObject(), 10)).cause())
        .isInstanceOf(LlmException.class);
    assertThat(client.complete(LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, null, null, new JsonObject(), 10))
        .cause()).isInstanceOf(LlmException.class).hasMessageContaining("text");
  }

  @Test
  void onAVertxContextTheWorkRunsOffTheEventLoop(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      JsonObject input = new JsonObject().put("text", "One sentence here about whales. Another about ships.");
      client.complete(LlmRequest.text(LlmOperations.SUMMARIZE_CHUNK, null, null, input, 100))
          .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
            assertThat(new JsonObject(r.text()).getString("summary")).contains("whales");
            ctx.completeNow();
          })));
    });
  }

  static List<Evidence> manyEvidence(int n, int techAt) {
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i >= techAt) {
        out.add(new Evidence("https://example.com/" + i, "Platform team update " + i,
            "Acme fintech is hiring platform engineers to run Kubernetes, Terraform and Kafka in production.",
            "source" + (i % 4), "google_search"));
      } else {
        out.add(new Evidence("https://example.com/" + i, "Company picnic " + i,
            "The team enjoyed a picnic in the park with sandwiches.", "source" + (i % 3), "news_search"));
      }
    }
    return out;
  }

  static JsonArray evidenceJson(List<Evidence> evidence) {
    JsonArray a = new JsonArray();
    evidence.forEach(e -> a.add(e.toJson()));
    return a;
  }

  static String mobyDickChapterOne() throws Exception {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("shared/corpus"))) {
      p = p.getParent();
    }
    assumeTrue(p != null, "corpus not found");
    String book = Files.readString(p.resolve("shared/corpus/moby-dick.txt"));
    int start = book.indexOf("\nCHAPTER 1. Loomings.");
    int end = book.indexOf("\nCHAPTER 2. The Carpet-Bag.", start);
    return book.substring(book.indexOf('\n', start + 1), end).strip();
  }
}
