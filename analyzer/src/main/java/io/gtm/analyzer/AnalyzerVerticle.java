package io.gtm.analyzer;

import io.gtm.analyzer.internal.Analysis;
import io.gtm.analyzer.report.ReportSteps;
import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.cluster.WorkIntake;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.json.Fields;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmClients;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.offline.EvidenceScorer;
import io.gtm.common.model.Evidence;
import io.gtm.common.resilience.InFlight;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence -> scored company result. Consumes {@link Addresses#ANALYZE}:
 * {@code {research_goal, domain, evidence: [Evidence]}} -> {@code {domain, technologies[],
 * goal_match_signals[], confidence_score, evidence_count, source: "llm"|"scorer", reason?}}. All of
 * the evidence is read: a large body is split into chunks, each analysed by the LLM (JSON schema,
 * validated) and the answers merged. When the LLM fails or answers out of schema, the offline
 * {@link EvidenceScorer} (shared with the offline provider) gives the result and {@code source} says so. A
 * request received again while its first copy is in flight in this process joins that copy
 * ({@link InFlight}): no second LLM call. Also answers
 * {@link Addresses#REPORT_STEP} (see {@link ReportSteps}).
 *
 * <p>A graceful stop takes no new work (the consumers are unregistered, the cluster routes to the
 * other analyzers) and answers the analyses in flight, for at most {@code ANALYZER_STOP_GRACE_MS}
 * (default {@value #DEFAULT_STOP_GRACE_MS}); the gateway sends an unanswered one again after its
 * unit deadline.
 */
public final class AnalyzerVerticle extends VerticleBase {
  public static final String SERVICE = "analyzer";
  /** Evidence text per LLM call; beyond it the evidence is analysed in chunks and merged. */
  static final int CHUNK_CHARS = 12_000;
  /** Longest wait for the analyses in flight when the analyzer stops (kept under the engine's 25 s stop budget). */
  public static final long DEFAULT_STOP_GRACE_MS = 15_000;
  private static final Logger log = LoggerFactory.getLogger(AnalyzerVerticle.class);
  private static final String SYSTEM = """
      You are a B2B go-to-market analyst. From the evidence found about one company, judge how \
      well the company matches the research goal. List the technologies the evidence shows the \
      company uses, the concrete signals that match the goal (each one short, citing what was \
      seen), and a confidence_score between 0 and 1 (0: no support, 1: explicit, repeated \
      evidence). Use only the evidence given. Answer with JSON only.""";

  private LlmClient llm;
  private WorkIntake intake;
  private long stopGraceMs;

  /** What makes two analysis requests the same unit. */
  private record AnalysisKey(String goal, String domain, List<Evidence> evidence) {}

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    stopGraceMs = WorkIntake.graceMs(cfg, "ANALYZER_STOP_GRACE_MS", DEFAULT_STOP_GRACE_MS);
    llm = LlmClients.create(vertx, cfg);
    intake = new WorkIntake(vertx, SERVICE);
    return Future.all(
        intake.<JsonObject>consumer(Addresses.ANALYZE, this::handleAnalyze),
        intake.<JsonObject>consumer(Addresses.REPORT_STEP, new ReportSteps(llm)::handle),
        Ping.register(vertx, SERVICE));
  }

  @Override
  public Future<?> stop() {
    return intake == null ? Future.succeededFuture() : intake.drain(stopGraceMs);
  }

  /** Completes once the request is answered. */
  private Future<Void> handleAnalyze(Message<JsonObject> msg) {
    String goal;
    String domain;
    List<Evidence> evidence = new ArrayList<>();
    try {
      JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
      goal = Fields.requireString(body, "research_goal");
      domain = Fields.requireString(body, "domain");
      JsonArray arr = body.getValue("evidence") == null ? new JsonArray() : Fields.requireArray(body, "evidence");
      for (int i = 0; i < arr.size(); i++) {
        if (!(arr.getValue(i) instanceof JsonObject e)) {
          throw ApiException.invalid("evidence", "evidence[" + i + "] must be an object");
        }
        evidence.add(Evidence.fromJson(e));
      }
    } catch (ApiException e) {
      msg.fail(e.code().code(), e.getMessage());
      return Future.succeededFuture();
    }
    if (evidence.isEmpty()) {
      msg.reply(result(domain, Analysis.empty(), 0, "scorer", "no evidence"));
      return Future.succeededFuture();
    }
    // a resend of an analysis still in flight here (its deadline passed while it waited for the LLM's
    // rate limit) joins the first copy: one LLM call, both answered
    return InFlight.<AnalysisKey, JsonObject>named(vertx, SERVICE)
        .run(new AnalysisKey(goal, domain, evidence), () -> analysis(goal, domain, evidence))
        .onSuccess(msg::reply)
        .onFailure(err -> msg.fail(ErrorCode.INTERNAL.code(), "analysis of " + domain + " failed: " + err.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** The LLM's analysis of all the evidence, else the offline scorer's. */
  private Future<JsonObject> analysis(String goal, String domain, List<Evidence> evidence) {
    return analyse(goal, domain, evidence)
        .map(a -> result(domain, a, evidence.size(), "llm", null))
        .recover(err -> {
          log.debug("analysis of {} by the scorer: {}", domain, err.getMessage());
          // scoring reads every item: CPU work, off the event loop
          return vertx.executeBlocking(() -> result(domain, Analysis.of(EvidenceScorer.score(goal, evidence)),
              evidence.size(), "scorer", "LLM analysis failed: " + err.getMessage()), false);
        });
  }

  private Future<Analysis> analyse(String goal, String domain, List<Evidence> evidence) {
    List<List<Evidence>> chunks = Analysis.chunks(evidence,
        e -> e.title().length() + e.snippet().length() + e.url().length() + 40, CHUNK_CHARS);
    List<Future<Analysis>> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      parts.add(analyseChunk(goal, domain, chunks.get(i), i + 1, chunks.size()));
    }
    return Future.all(parts).map(all -> Analysis.merge(all.list()));
  }

  private Future<Analysis> analyseChunk(String goal, String domain, List<Evidence> chunk, int part, int parts) {
    JsonArray ev = new JsonArray();
    StringBuilder user = new StringBuilder("Research goal: ").append(goal).append("\nCompany domain: ").append(domain);
    if (parts > 1) {
      user.append("\n(Evidence part ").append(part).append(" of ").append(parts).append(')');
    }
    user.append("\nEvidence:\n");
    int n = 1;
    for (Evidence e : chunk) {
      ev.add(e.toJson());
      user.append(n++).append(". [").append(e.sourceName()).append("] ").append(e.title()).append(" — ")
          .append(e.snippet()).append(" (").append(e.url()).append(")\n");
    }
    user.append("Answer as {\"technologies\": [..], \"goal_match_signals\": [..], \"confidence_score\": 0..1}.");
    JsonObject input = new JsonObject().put("research_goal", goal).put("domain", domain).put("evidence", ev);
    LlmRequest request = LlmRequest.json(LlmOperations.ANALYZE, SYSTEM, user.toString(), input, 800,
        "company_analysis", Analysis.schema());
    return llm.complete(request).map(r -> Analysis.parse(r.text()));
  }

  private static JsonObject result(String domain, Analysis a, int evidenceCount, String source, String reason) {
    JsonObject json = new JsonObject().put("domain", domain)
        .put("technologies", new JsonArray(a.technologies()))
        .put("goal_match_signals", new JsonArray(a.signals()))
        .put("confidence_score", a.confidence())
        .put("evidence_count", evidenceCount)
        .put("source", source);
    if (reason != null) {
      json.put("reason", reason);
    }
    return json;
  }
}
