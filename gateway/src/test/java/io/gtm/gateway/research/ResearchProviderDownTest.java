package io.gtm.gateway.research;

import static io.gtm.gateway.research.ResearchApiTest.channelOf;
import static io.gtm.gateway.research.ResearchApiTest.domainWhere;
import static io.gtm.gateway.research.ResearchHttp.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.simulator.CompanyProfile;
import io.gtm.simulator.CompanyProfiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A channel whose provider is down, or has no key, leaves the others' results whole. */
class ResearchProviderDownTest {

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void tavilyAnswering503EndsWithTheOtherChannelsResultsAndEveryWebSearchCountedFailed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ResearchStack stack = await(ResearchStack.start(vertx, "offline", 3, Map.of("BREAKER_RESET_MS", "600000")));
      stack.simulator.configure("tavily", new JsonObject().put("error_503_rate", 1.0));
      ResearchHttp http = new ResearchHttp(vertx, stack.port());
      String nothing = domainWhere("nothing", c -> !c.hasBoard() && !c.hasNews());
      List<String> domains = new ArrayList<>(IntStream.range(0, 16).mapToObj(i -> "downco" + i + ".com").toList());
      domains.add(nothing);
      Run run = Run.of(http, domains);
      JsonObject json = run.summary;
      int strategies = json.getInteger("search_strategies_generated");
      assertThat(json.getInteger("total_searches_executed")).isEqualTo(domains.size() * strategies);
      long webSearches = run.strategiesOf("google_search") * domains.size();
      assertThat(json.getJsonObject("search_performance").getLong("failed_requests")).isEqualTo(webSearches);
      // the breaker opened: most web searches were refused without a call
      assertThat(stack.simulator.stats("tavily").getLong("requests_total")).isLessThan(webSearches);
      assertThat(http.metric("gtm_breaker_state", "name=\"tavily\"")).isEqualTo(2.0);
      JsonArray results = run.results;
      assertThat(results).hasSize(domains.size());
      for (Object o : results) {
        JsonObject res = (JsonObject) o;
        CompanyProfile truth = CompanyProfiles.of(res.getString("domain"));
        Set<String> channels = new HashSet<>();
        res.getJsonObject("findings").getJsonArray("evidence").forEach(e -> channels.add(channelOf((JsonObject) e)));
        assertThat(channels).doesNotContain("web");
        assertThat(channels.contains("jobs")).isEqualTo(truth.hasBoard());
        assertThat(channels.contains("news")).isEqualTo(truth.hasNews());
      }
      JsonObject empty = results.stream().map(o -> (JsonObject) o).filter(o -> o.getString("domain").equals(nothing))
          .findFirst().orElseThrow();
      assertThat(empty.getDouble("confidence_score")).isZero();
      assertThat(empty.getInteger("evidence_sources")).isZero();
      assertThat(empty.getJsonObject("findings")).isEqualTo(new JsonObject().put("technologies", new JsonArray())
          .put("evidence", new JsonArray()).put("signals_found", 0));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void aMissingNewsApiKeyFailsNewsSearchesWithoutCallingAndKeepsTheRest() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> noKey = new HashMap<>();
      noKey.put("NEWSAPI_KEY", null);
      ResearchStack stack = await(ResearchStack.start(vertx, "offline", 3, noKey));
      ResearchHttp http = new ResearchHttp(vertx, stack.port());
      List<String> domains = IntStream.range(0, 6).mapToObj(i -> "nokeyco" + i + ".com").toList();
      Run run = Run.of(http, domains);
      JsonObject json = run.summary;
      long newsSearches = run.strategiesOf("news_search") * domains.size();
      assertThat(newsSearches).isPositive();
      assertThat(json.getJsonObject("search_performance").getLong("failed_requests")).isEqualTo(newsSearches);
      assertThat(stack.simulator.stats("newsapi").getLong("requests_total")).isZero();
      assertThat(run.results).hasSize(domains.size());
      for (Object o : run.results) {
        JsonObject res = (JsonObject) o;
        Set<String> channels = new HashSet<>();
        res.getJsonObject("findings").getJsonArray("evidence").forEach(e -> channels.add(channelOf((JsonObject) e)));
        assertThat(channels).contains("web").doesNotContain("news");
        assertThat(res.getJsonObject("findings").getJsonArray("technologies")).isNotEmpty();
      }
    } finally {
      await(vertx.close());
    }
  }

  /** One streamed run: its strategies, the results and summary of {@code pipeline_complete}. */
  private record Run(JsonArray strategies, JsonArray results, JsonObject summary) {
    static Run of(ResearchHttp http, List<String> domains) throws Exception {
      ResearchHttp.Reply r = http.post("/api/research/batch/stream", body(domains, "quick"));
      assertThat(r.status()).isEqualTo(200);
      List<JsonObject> events = ResearchHttp.sseEvents(r.body());
      assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("completed");
      JsonObject generated = events.stream().filter(e -> "strategies_generated".equals(e.getString("type"))).findFirst().orElseThrow();
      JsonObject complete = events.stream().filter(e -> "pipeline_complete".equals(e.getString("type"))).findFirst().orElseThrow();
      return new Run(generated.getJsonArray("strategies"), complete.getJsonArray("results"), complete.getJsonObject("summary"));
    }

    long strategiesOf(String channel) {
      return strategies.stream().filter(s -> channel.equals(((JsonObject) s).getString("channel"))).count();
    }
  }
}
