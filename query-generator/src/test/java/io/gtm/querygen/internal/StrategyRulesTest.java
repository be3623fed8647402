package io.gtm.querygen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.llm.offline.StrategyTemplates;
import io.gtm.common.model.Strategy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StrategyRulesTest {

  private static String answer(int n, String channel, String template) {
    JsonArray arr = new JsonArray();
    IntStream.range(0, n).forEach(i -> arr.add(new JsonObject().put("channel", channel)
        .put("query_template", template + " " + i).put("relevance_score", 0.8)));
    return new JsonObject().put("strategies", arr).encode();
  }

  @Test
  void acceptsAValidAnswerWithinTheDepthRange() {
    List<Strategy> s = StrategyRules.parse(answer(5, "news_search", "{COMPANY_NAME} kubernetes"), "quick");
    assertThat(s).hasSize(5).allMatch(x -> x.channel().equals("news_search"));
  }

  @Test
  void acceptsAnswersWrappedInMarkdownFences() {
    String fenced = "```json\n" + answer(7, "google_search", "{DOMAIN} stack") + "\n```";
    assertThat(StrategyRules.parse(fenced, "standard")).hasSize(7);
  }

  @Test
  void rejectsCountsOutsideTheDepthRange() {
    assertThatThrownBy(() -> StrategyRules.parse(answer(3, "news_search", "{COMPANY_NAME} x"), "quick"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4-6");
    assertThatThrownBy(() -> StrategyRules.parse(answer(10, "news_search", "{COMPANY_NAME} x"), "comprehensive"))
        .hasMessageContaining("11-13");
  }

  @Test
  void rejectsUnknownChannelsAndMissingOrUnknownPlaceholders() {
    assertThatThrownBy(() -> StrategyRules.parse(answer(5, "linkedin_search", "{COMPANY_NAME} x"), "quick"))
        .hasMessageContaining("unknown channel");
    assertThatThrownBy(() -> StrategyRules.parse(answer(5, "news_search", "kubernetes"), "quick"))
        .hasMessageContaining("placeholder");
    assertThatThrownBy(() -> StrategyRules.parse(answer(5, "news_search", "{COMPANY} kubernetes"), "quick"))
        .hasMessageContaining("placeholder");
  }

  @Test
  void duplicatesDoNotCountTowardsTheRange() {
    JsonArray arr = new JsonArray();
    IntStream.range(0, 5).forEach(i -> arr.add(new JsonObject().put("channel", "news_search")
        .put("query_template", "{COMPANY_NAME} same").put("relevance_score", 0.5)));
    assertThatThrownBy(() -> StrategyRules.parse(new JsonObject().put("strategies", arr).encode(), "quick"))
        .hasMessageContaining("1 distinct");
  }

  @Test
  void textThatIsNotJsonIsToldApartForARetry() {
    assertThatThrownBy(() -> StrategyRules.parse("Sure! Here are strategies:", "quick"))
        .isInstanceOf(StrategyRules.NotJson.class);
  }

  @Test
  void aJobsQueryNeedsNoCompanyPlaceholderSinceItSearchesTheCompanysBoard() {
    assertThat(StrategyRules.parse(answer(5, "jobs_search", "kubernetes engineer"), "quick")).hasSize(5);
  }

  @Test
  void theSchemaAsksForTheDepthsCountRange() {
    JsonObject strategies = StrategyRules.schema("standard").getJsonObject("properties").getJsonObject("strategies");
    assertThat(strategies.getInteger("minItems")).isEqualTo(7);
    assertThat(strategies.getInteger("maxItems")).isEqualTo(10);
  }

  @Test
  void theSharedTemplateFallbackPassesTheRulesAtEveryDepth() {
    for (String depth : List.of("quick", "standard", "comprehensive")) {
      List<Strategy> t = StrategyTemplates.generate("companies using Kafka", depth);
      String encoded = new JsonObject().put("strategies", new JsonArray(t.stream().map(Strategy::toJson).toList())).encode();
      assertThat(StrategyRules.parse(encoded, depth)).hasSize(t.size());
      assertThat(t).extracting(Strategy::channel).containsAll(StrategyRules.CHANNELS);
    }
  }

  @Test
  void fitTopsUpARepetitiveAnswerWithTemplatesAndCutsALongOne() {
    List<Strategy> three = StrategyRules.parseItems(answer(3, "news_search", "{COMPANY_NAME} x"));
    List<Strategy> fillers = StrategyTemplates.generate("companies using Kafka", "quick");
    List<Strategy> fitted = StrategyRules.fit(three, fillers, "quick");
    assertThat(fitted).hasSize(4).startsWith(three.toArray(new Strategy[0]));
    assertThat(fitted.get(3)).isEqualTo(fillers.get(0));
    List<Strategy> nine = StrategyRules.parseItems(answer(9, "news_search", "{COMPANY_NAME} x"));
    assertThat(StrategyRules.fit(nine, fillers, "quick")).isEqualTo(nine.subList(0, 6));
  }
}
