package io.gtm.analyzer.report;

import io.gtm.common.ErrorCode;
import io.gtm.common.json.LlmJson;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.offline.ReportShapes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Answers {@code analyzer.report.step}: one core step or section of an account report, asked of
 * the LLM with the step's JSON schema and validated against it before it is returned.
 */
public final class ReportSteps {
  /** What each step is for, as told to the LLM. */
  static final Map<String, String> PURPOSE = Map.ofEntries(
      Map.entry("profile", "a company profile: what the company does, its industry, size signals and technology footprint"),
      Map.entry("research", "the research findings for the goal: evidence-backed findings, each with its source"),
      Map.entry("recommendations", "recommended next actions for an account team, given the profile and the research"),
      Map.entry("financial", "the financial picture: funding, revenue and spending signals found in the evidence"),
      Map.entry("risk", "risks to a deal: each risk with its likelihood, impact and the evidence behind it"),
      Map.entry("competitive", "the competitive landscape: competitors and incumbent products found in the evidence"),
      Map.entry("market", "the market position: segment, trends and demand signals"),
      Map.entry("metrics", "key metrics derived from the evidence: counts and scores with how they were derived"),
      Map.entry("validation", "a validation of the core findings: which claims are corroborated by several sources"),
      Map.entry("risk_priority", "the risks ranked by priority with a mitigation for each"));
  static final int EVIDENCE_ITEMS = 60;
  static final int SNIPPET_CHARS = 400;

  private final LlmClient llm;

  public ReportSteps(LlmClient llm) {
    this.llm = llm;
  }

  /** Answers one report step; completes once the answer (or the failure) is sent. */
  public Future<Void> handle(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String step = body == null ? null : body.getString("step");
    if (step == null || !PURPOSE.containsKey(step)) {
      msg.fail(ErrorCode.VALIDATION.code(), "unknown report step '" + step + "'");
      return Future.succeededFuture();
    }
    LlmRequest request = LlmRequest.json(LlmOperations.REPORT_STEP, system(step), prompt(step, body), body,
        1500, "report_" + step, ReportShapes.schema(step));
    return llm.complete(request)
        .onSuccess(answer -> {
          JsonObject result;
          try {
            result = LlmJson.parseObject(answer.text());
          } catch (DecodeException e) {
            msg.fail(ErrorCode.PROVIDER_FAILED.code(), step + ": the LLM's answer is not JSON");
            return;
          }
          List<String> errors = ReportShapes.validate(step, result);
          if (!errors.isEmpty()) {
            msg.fail(ErrorCode.PROVIDER_FAILED.code(), step + ": the answer does not match the schema: "
                + String.join("; ", errors.subList(0, Math.min(3, errors.size()))));
            return;
          }
          msg.reply(result);
        })
        .onFailure(err -> msg.fail(err instanceof LlmException ? ErrorCode.PROVIDER_FAILED.code() : ErrorCode.INTERNAL.code(),
            step + ": " + err.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  static String system(String step) {
    return "You are a B2B account research analyst. Write " + PURPOSE.get(step)
        + ". Use only the evidence given; cite sources by URL where the schema asks. Answer with JSON only.";
  }

  static String prompt(String step, JsonObject body) {
    StringBuilder sb = new StringBuilder();
    sb.append("Company domain: ").append(body.getString("domain", "")).append('\n');
    sb.append("Research goal: ").append(body.getString("research_goal", "")).append('\n');
    JsonArray evidence = body.getJsonArray("evidence", new JsonArray());
    sb.append("Evidence (").append(evidence.size()).append(" items):\n");
    for (int i = 0; i < Math.min(EVIDENCE_ITEMS, evidence.size()); i++) {
      JsonObject e = evidence.getJsonObject(i);
      String snippet = e.getString("snippet", "");
      if (snippet.length() > SNIPPET_CHARS) {
        snippet = snippet.substring(0, SNIPPET_CHARS) + "…";
      }
      sb.append("- [").append(e.getString("source_name", "")).append("] ").append(e.getString("title", ""))
          .append(": ").append(snippet).append(" (").append(e.getString("url", "")).append(")\n");
    }
    JsonObject previous = body.getJsonObject("previous", new JsonObject());
    if (!previous.isEmpty()) {
      sb.append("Earlier parts of this report:\n").append(previous.encode()).append('\n');
    }
    sb.append("Now write the '").append(step).append("' part: ").append(PURPOSE.get(step)).append('.');
    return sb.toString();
  }
}
