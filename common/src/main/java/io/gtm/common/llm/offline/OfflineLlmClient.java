package io.gtm.common.llm.offline;

import io.gtm.common.ApiException;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.LlmResponse;
import io.gtm.common.model.Strategy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic, network-free provider: it answers each operation of {@link LlmOperations}
 * from the request's {@code input}, with the same JSON text an LLM is asked to return, so callers
 * parse offline and real answers alike. Strategies come from {@link StrategyTemplates}, analyses
 * from {@link EvidenceScorer}, summaries from {@link TextRank}, titles from {@link TitleWriter},
 * report steps from {@link ReportWriter}. The work runs on a worker thread when called on a Vert.x
 * context (TextRank on a long text is CPU work), directly otherwise.
 */
public final class OfflineLlmClient implements LlmClient {
  public static final String PROVIDER = "offline";
  public static final String MODEL = "offline-extractive-1";
  /** Summary budgets: a chunk summary, and a chapter summary reduced from chunk summaries. */
  static final int CHUNK_SENTENCES = 4;
  static final int CHUNK_CHARS = 700;
  static final int REDUCE_SENTENCES = 5;
  static final int REDUCE_CHARS = 1000;

  private final Vertx vertx;

  /** Runs on the caller's Vert.x context's worker pool if there is one, else in the caller's thread. */
  public OfflineLlmClient() {
    this(null);
  }

  /** Runs every call on {@code vertx}'s worker pool (when not null). */
  public OfflineLlmClient(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public Future<LlmResponse> complete(LlmRequest request) {
    Context context = Vertx.currentContext();
    if (context != null) {
      return context.executeBlocking(() -> answer(request), false);
    }
    if (vertx != null) {
      return vertx.executeBlocking(() -> answer(request), false);
    }
    try {
      return Future.succeededFuture(answer(request));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The answer to one request, computed in the calling thread. */
  public LlmResponse answer(LlmRequest request) {
    JsonObject input = request.input() == null ? new JsonObject() : request.input();
    String text;
    try {
      text = switch (request.operation() == null ? "" : request.operation()) {
        case LlmOperations.STRATEGIES -> strategies(input).encode();
        case LlmOperations.ANALYZE -> EvidenceScorer.score(input).toJson().encode();
        case LlmOperations.SUMMARIZE_CHUNK -> new JsonObject().put("summary",
            TextRank.summarize(requireText(input, "text"), CHUNK_SENTENCES, CHUNK_CHARS)).encode();
        case LlmOperations.REDUCE -> new JsonObject().put("summary", reduce(input)).encode();
        case LlmOperations.TITLE_PREVIEW -> titlePreview(input).encode();
        case LlmOperations.REPORT_STEP -> ReportWriter.write(input).encode();
        default -> throw new LlmException("offline provider has no operation '" + request.operation() + "'", true);
      };
    } catch (ApiException | IllegalArgumentException | ClassCastException e) {
      throw new LlmException("offline " + request.operation() + ": bad input: " + e.getMessage(), true);
    }
    int prompt = request.system() == null && request.user() == null
        ? Words.estimateTokens(input.encode()) : request.estimatedPromptTokens();
    return new LlmResponse(text, prompt, Words.estimateTokens(text), PROVIDER, MODEL);
  }

  private static JsonObject strategies(JsonObject input) {
    String goal = input.getString("research_goal", "");
    String depth = input.getString("search_depth", "standard");
    int count = input.getInteger("count", 0);
    List<String> channels = new ArrayList<>();
    for (Object c : input.getJsonArray("channels", new JsonArray())) {
      channels.add(String.valueOf(c));
    }
    JsonArray out = new JsonArray();
    for (Strategy s : StrategyTemplates.generate(goal, depth, count, channels)) {
      out.add(s.toJson());
    }
    return new JsonObject().put("strategies", out);
  }

  private static String reduce(JsonObject input) {
    JsonArray summaries = input.getJsonArray("summaries");
    if (summaries == null || summaries.isEmpty()) {
      throw new IllegalArgumentException("summaries is required");
    }
    StringBuilder all = new StringBuilder();
    for (Object s : summaries) {
      // A blank line between chunk summaries keeps their sentences apart.
      all.append(s).append("\n\n");
    }
    return TextRank.summarize(all.toString(), REDUCE_SENTENCES, REDUCE_CHARS);
  }

  private static JsonObject titlePreview(JsonObject input) {
    String summary = requireText(input, "summary");
    String heading = input.getString("heading", "");
    return new JsonObject().put("title", TitleWriter.title(summary, heading))
        .put("preview", TitleWriter.preview(summary));
  }

  private static String requireText(JsonObject input, String field) {
    Object v = input.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string");
    }
    return s;
  }
}
