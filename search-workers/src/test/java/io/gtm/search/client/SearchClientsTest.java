package io.gtm.search.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.config.EngineConfig;
import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchTask;
import io.gtm.common.resilience.Backoff;
import io.gtm.common.resilience.ProviderException;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.gtm.common.resilience.TestProviders;
import io.gtm.common.search.SearchClient;
import io.gtm.simulator.CompanyProfile;
import io.gtm.simulator.CompanyProfiles;
import io.gtm.simulator.Simulator;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SearchClientsTest {
  private static final String TAVILY_KEY = "tvly-test-key-123456";
  private static final String NEWS_KEY = "news-test-key-123456";
  private Vertx vertx;
  private Simulator sim;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Simulator.start(vertx, 0).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  private TavilyClient tavily(ProviderSettings s) {
    return new TavilyClient(new ProviderGate(vertx, s), sim.baseUrl(), TAVILY_KEY);
  }

  private NewsApiClient news(ProviderSettings s) {
    return new NewsApiClient(new ProviderGate(vertx, s), sim.baseUrl(), NEWS_KEY);
  }

  private GreenhouseClient greenhouse() {
    return new GreenhouseClient(new ProviderGate(vertx, TestProviders.settings("greenhouse")), sim.baseUrl());
  }

  private static SearchTask task(String domain, String channel, String query, String depth) {
    CompanyProfile p = CompanyProfiles.of(domain);
    return new SearchTask("job-1", domain, p.name(), channel, query, depth, 10);
  }

  private static String domainWhere(java.util.function.Predicate<CompanyProfile> test) {
    return IntStream.range(0, 500).mapToObj(i -> "company" + i + ".com")
        .filter(d -> test.test(CompanyProfiles.of(d))).findFirst().orElseThrow();
  }

  @Test
  void tavilyReturnsResultsAsEvidenceNamedByTheirSite() throws Exception {
    String domain = "acme-robotics.com";
    List<Evidence> ev = await(tavily(TestProviders.settings("tavily"))
        .search(task(domain, "google_search", domain + " technology stack", "quick")));
    assertThat(ev).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    assertThat(ev).allSatisfy(e -> {
      assertThat(e.channel()).isEqualTo("google_search");
      assertThat(e.url()).startsWith("http");
      assertThat(e.sourceName()).doesNotStartWith("www.").isNotEqualTo("tavily");
    });
    assertThat(ev.get(0).snippet()).contains(CompanyProfiles.of(domain).technologies().get(0));
  }

  @Test
  void tavilyRequestsFollowTheDepthAndTruncateLongQueries() {
    SearchTask longQuery = task("a.com", "google_search", "x".repeat(1_000), "comprehensive");
    JsonObject body = TavilyClient.requestBody(longQuery);
    assertThat(body.getString("query")).hasSize(400);
    assertThat(body.getString("search_depth")).isEqualTo("advanced");
    assertThat(body.getInteger("max_results")).isEqualTo(8);
    assertThat(TavilyClient.requestBody(task("a.com", "google_search", "q", "standard")).getString("search_depth"))
        .isEqualTo("basic");
  }

  @Test
  void tavilyPlanLimitIsTerminalQuotaOpeningTheBreakerWithoutRetry() throws Exception {
    sim.configure("tavily", new JsonObject().put("terminal_quota", true).put("terminal_quota_status", 433));
    TavilyClient c = tavily(TestProviders.settings("tavily"));
    assertThatThrownBy(() -> await(c.search(task("a.com", "google_search", "a.com", "quick"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("433")
        .satisfies(e -> assertThat(((ProviderException) e).terminal()).isTrue());
    assertThat(sim.stats("tavily").getLong("requests_total")).isEqualTo(1);
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void tavilyWrongKey429AndServerErrors() throws Exception {
    sim.configure("tavily", new JsonObject().put("api_keys", new JsonArray().add("tvly-other")));
    assertThatThrownBy(() -> await(tavily(TestProviders.settings("tavily"))
        .search(task("a.com", "google_search", "a.com", "quick"))))
        .hasMessageContaining("401").hasMessageContaining("TAVILY_API_KEY").hasMessageNotContaining(TAVILY_KEY);
    sim.reset();
    sim.configure("tavily", new JsonObject().put("rpm", 1).put("window_ms", 1_200));
    TavilyClient c = tavily(TestProviders.settings("tavily"));
    await(c.search(task("a.com", "google_search", "a.com", "quick")));
    long start = System.currentTimeMillis();
    assertThat(await(c.search(task("a.com", "google_search", "a.com", "quick")))).isNotEmpty();
    assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(1_000);
    assertThat(sim.stats("tavily").getLong("rate_limited")).isEqualTo(1);
  }

  @Test
  void newsReturnsArticlesNamedByTheirSourceWithTheCompanyQuoted() throws Exception {
    String domain = domainWhere(CompanyProfile::hasNews);
    SearchTask t = task(domain, "news_search", CompanyProfiles.of(domain).name() + " funding", "quick");
    assertThat(NewsApiClient.query(t)).startsWith("\"" + CompanyProfiles.of(domain).name() + "\"");
    List<Evidence> ev = await(news(TestProviders.settings("newsapi")).search(t));
    assertThat(ev).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    assertThat(ev).allSatisfy(e -> {
      assertThat(e.channel()).isEqualTo("news_search");
      assertThat(e.sourceName()).isNotBlank().isNotEqualTo("newsapi");
    });
  }

  @Test
  void newsExhaustedKeyIsTerminalQuotaOpeningTheBreaker() throws Exception {
    sim.configure("newsapi", new JsonObject().put("terminal_quota", true));
    NewsApiClient c = news(TestProviders.settings("newsapi"));
    assertThatThrownBy(() -> await(c.search(task("a.com", "news_search", "A", "quick"))))
        .hasMessageContaining("apiKeyExhausted");
    assertThat(c.gate().breaker().state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(sim.stats("newsapi").getLong("requests_total")).isEqualTo(1);
  }

  @Test
  void newsMalformedOrHungAnswersFailNonTerminal() throws Exception {
    sim.configure("newsapi", new JsonObject().put("malformed_rate", 1.0));
    ProviderSettings quick = TestProviders.settings("newsapi").withTimeout(300, 1, new Backoff(50, 50));
    assertThatThrownBy(() -> await(news(quick).search(task("a.com", "news_search", "A", "quick"))))
        .hasMessageContaining("malformed");
    sim.configure("newsapi", new JsonObject().put("malformed_rate", 0.0).put("hang_rate", 1.0));
    assertThatThrownBy(() -> await(news(quick).search(task("a.com", "news_search", "A", "quick"))))
        .isInstanceOf(ProviderException.class)
        .satisfies(e -> assertThat(((ProviderException) e).outcome()).isEqualTo("timeout"));
  }

  @Test
  void greenhouseReturnsEveryPostingAsPlainTextAndNoBoardIsAnEmptyResult() throws Exception {
    String withBoard = domainWhere(p -> p.hasBoard() && p.jobCount() > 1);
    List<Evidence> ev = await(greenhouse().search(task(withBoard, "jobs_search", "engineer", "quick")));
    assertThat(ev).hasSize(CompanyProfiles.of(withBoard).jobCount());
    assertThat(ev).allSatisfy(e -> {
      assertThat(e.sourceName()).isEqualTo("greenhouse");
      assertThat(e.snippet()).doesNotContain("&lt;").doesNotContain("<p>").isNotBlank();
      assertThat(e.url()).startsWith("http");
    });
    String noBoard = domainWhere(p -> !p.hasBoard());
    assertThat(await(greenhouse().search(task(noBoard, "jobs_search", "engineer", "quick")))).isEmpty();
    assertThat(sim.stats("greenhouse").getJsonObject("by_status").getLong("404")).isEqualTo(1);
  }

  @Test
  void greenhouse5xxThenSuccess() throws Exception {
    sim.configure("greenhouse", new JsonObject().put("error_503_rate", 1.0));
    String domain = domainWhere(CompanyProfile::hasBoard);
    GreenhouseClient c = new GreenhouseClient(new ProviderGate(vertx,
        TestProviders.settings("greenhouse").withTimeout(2_000, 5, new Backoff(300, 300))), sim.baseUrl());
    Future<List<Evidence>> call = c.search(task(domain, "jobs_search", "x", "quick"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (sim.stats("greenhouse").getLong("requests_total") < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    sim.configure("greenhouse", new JsonObject().put("error_503_rate", 0.0));
    assertThat(await(call)).isNotEmpty();
  }

  @Test
  void boardTokensAreDerivedSafelyFromTheDomain() {
    assertThat(GreenhouseClient.boardToken("www.Stripe.com")).isEqualTo("stripe");
    assertThat(GreenhouseClient.boardToken("https://acme-robotics.io/careers")).isEqualTo("acme-robotics");
    assertThat(GreenhouseClient.boardToken("ev/il..com")).isEqualTo("ev");
    assertThat(GreenhouseClient.boardToken("../%2e.com")).isNull();
  }

  @Test
  void escapedHtmlBecomesPlainText() {
    assertThat(HtmlText.fromEscapedHtml("&lt;p&gt;We use &lt;b&gt;Kafka&lt;/b&gt; &amp;amp; Go&amp;nbsp;daily.&lt;/p&gt;"
        + "&lt;ul&gt;&lt;li&gt;Remote&lt;/li&gt;&lt;/ul&gt;"))
        .isEqualTo("We use Kafka & Go daily.\nRemote");
    assertThat(HtmlText.unescape("a &#39;b&#x27; &unknown; c")).isEqualTo("a 'b' &unknown; c");
  }

  @Test
  void aChannelWithoutItsKeyIsAbsent() {
    Map<String, SearchClient> none = SearchClients.create(vertx, EngineConfig.of(Map.of()));
    assertThat(none).containsOnlyKeys("jobs_search");
    Map<String, SearchClient> all = SearchClients.create(vertx, EngineConfig.of(Map.of(
        "TAVILY_API_KEY", TAVILY_KEY, "NEWSAPI_KEY", NEWS_KEY)));
    assertThat(all).containsOnlyKeys("google_search", "news_search", "jobs_search");
    assertThat(all.get("google_search").provider()).isEqualTo("tavily");
  }
}
