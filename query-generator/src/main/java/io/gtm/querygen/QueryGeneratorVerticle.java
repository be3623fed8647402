package io.gtm.querygen;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.json.Fields;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmClients;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.offline.StrategyTemplates;
import io.gtm.common.model.Strategy;
import io.gtm.querygen.internal.StrategyRules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Research goal -> search strategies. Asks the LLM in JSON mode with a schema, validates the
 * answer (known channels, placeholders, no duplicates; beyond the depth's count the first are kept,
 * below it template strategies top it up: {@code source: "llm+template"}), retries once on an
 * answer that is not JSON, and otherwise falls back to the offline provider's template strategies
 * ({@link StrategyTemplates}, {@code source: "template"}).
 *
 * <p>Consumes {@link Addresses#QUERY_GENERATE}: {@code {research_goal, search_depth}} ->
 * {@code {strategies: [Strategy], source: "llm"|"llm+template"|"template", reason?}}.
 */
public final class QueryGeneratorVerticle extends VerticleBase {
  public static final String SERVICE = "query-generator";
  private static final Logger log = LoggerFactory.getLogger(QueryGeneratorVerticle.class);
  private static final String SYSTEM = """
      You design web research strategies for B2B go-to-market research. Given a research goal, \
      write search strategies that find evidence, for one company at a time, of whether the \
      company matches the goal. Each strategy has a channel (google_search: web search; \
      news_search: news articles; jobs_search: the company's job postings), a query_template \
      that contains {COMPANY_NAME} or {DOMAIN} (replaced per company; optional for jobs_search, \
      which searches the company's own job board) and no other placeholder, \
      and a relevance_score between 0 and 1. Use every channel. Answer with JSON only.""";

  private LlmClient llm;

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    llm = LlmClients.create(vertx, cfg);
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.QUERY_GENERATE, this::handleGenerate).completion(),
        Ping.register(vertx, SERVICE));
  }

  private void handleGenerate(Message<JsonObject> msg) {
    String goal;
    String depth;
    try {
      JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
      goal = Fields.requireString(body, "research_goal");
      depth = Fields.optString(body, "search_depth", "standard");
      StrategyRules.range(depth);
    } catch (ApiException e) {
      msg.fail(e.code().code(), e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      msg.fail(ErrorCode.VALIDATION.code(), e.getMessage());
      return;
    }
    generate(goal, depth, true)
        .map(answer -> {
          List<Strategy> fitted = StrategyRules.fit(answer, StrategyTemplates.generate(goal, depth), depth);
          return fitted.size() > answer.size()
              ? reply(fitted, "llm+template", (fitted.size() - answer.size()) + " template strategies added to "
                  + answer.size() + " distinct LLM strategies")
              : reply(fitted, "llm", null);
        })
        .recover(err -> {
          log.warn("strategies from templates: {}", err.getMessage());
          return Future.succeededFuture(reply(StrategyTemplates.generate(goal, depth), "template", err.getMessage()));
        })
        .onSuccess(msg::reply);
  }

  private Future<List<Strategy>> generate(String goal, String depth, boolean mayRetry) {
    int count = StrategyRules.target(depth);
    JsonObject input = new JsonObject().put("research_goal", goal).put("search_depth", depth)
        .put("count", count).put("channels", new JsonArray(StrategyRules.CHANNELS));
    int[] range = StrategyRules.range(depth);
    String user = "Research goal: " + goal + "\nSearch depth: " + depth + "\nWrite " + count
        + " strategies (between " + range[0] + " and " + range[1] + "), spread over the channels "
        + StrategyRules.CHANNELS + ". Answer as {\"strategies\": [{\"channel\", \"query_template\", \"relevance_score\"}]}.";
    LlmRequest request = LlmRequest.json(LlmOperations.STRATEGIES, SYSTEM, user, input, 1500,
        "search_strategies", StrategyRules.schema(depth));
    return llm.complete(request).compose(response -> {
      try {
        List<Strategy> items = StrategyRules.parseItems(response.text());
        return items.isEmpty() ? Future.failedFuture(new IllegalArgumentException("answer has no strategies"))
            : Future.succeededFuture(items);
      } catch (StrategyRules.NotJson e) {
        return mayRetry ? generate(goal, depth, false) : Future.failedFuture(e);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static JsonObject reply(List<Strategy> strategies, String source, String reason) {
    JsonArray arr = new JsonArray();
    strategies.forEach(s -> arr.add(s.toJson()));
    JsonObject json = new JsonObject().put("strategies", arr).put("source", source);
    if (reason != null) {
      json.put("reason", reason);
    }
    return json;
  }
}
