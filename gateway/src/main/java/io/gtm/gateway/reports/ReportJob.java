package io.gtm.gateway.reports;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.events.JobEventLog;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.model.DbWrite;
import io.gtm.common.model.SearchOutcome;
import io.gtm.common.model.SearchTask;
import io.gtm.common.model.Strategy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account report: evidence (reused from a research run, or searched for now), then the core
 * in sequence (each step given the previous ones), then the enhancement sections in parallel
 * under {@code REPORT_SECTION_CONCURRENCY}. Every step is stored and pushed the moment it is
 * ready; a failing section is tried up to {@link #MAX_ATTEMPTS} times, then marked failed, and
 * never stops the others.
 */
final class ReportJob {
  private static final Logger log = LoggerFactory.getLogger(ReportJob.class);
  static final List<String> CORE = List.of("profile", "research", "recommendations");
  static final List<String> SECTIONS = List.of(
      "financial", "risk", "competitive", "market", "metrics", "validation", "risk_priority");
  static final int MAX_ATTEMPTS = 3;
  static final int MAX_EVIDENCE = 200;

  private final Vertx vertx;
  private final String id;
  private final ReportRequest request;
  private final int sectionLimit;
  private final long stepTimeoutMs;
  private final JobEventLog events;
  private final JsonObject core = new JsonObject();
  private final Map<String, String> sectionStatus = new LinkedHashMap<>();
  private JsonArray evidence = new JsonArray();
  private volatile boolean cancelled;

  ReportJob(Vertx vertx, String id, ReportRequest request, String owner, int sectionLimit, long stepTimeoutMs) {
    this.vertx = vertx;
    this.id = id;
    this.request = request;
    this.sectionLimit = sectionLimit;
    this.stepTimeoutMs = stepTimeoutMs;
    this.events = new JobEventLog(vertx, id, owner, 0);
    SECTIONS.forEach(s -> sectionStatus.put(s, "pending"));
  }

  String id() {
    return id;
  }

  void cancel() {
    cancelled = true;
  }

  /** Stores the report as running (so GET answers at once) and returns; the work goes on. */
  Future<Void> create(String owner) {
    JsonObject row = new JsonObject().put("id", id).put("domain", request.domain())
        .put("research_goal", request.researchGoal()).put("search_depth", request.searchDepth())
        .put("research_id", request.researchId()).put("status", "running").put("core", new JsonObject())
        .put("owner_key", owner);
    List<JsonObject> sections = new ArrayList<>();
    for (String s : SECTIONS) {
      sections.add(new JsonObject().put("report_id", id).put("name", s).put("status", "pending").put("attempts", 0));
    }
    return write("reports", List.of(row)).compose(v -> write("report_sections", sections));
  }

  /** Runs the report to its end; the future completes with the final status. */
  Future<String> run() {
    ReportRoutes.ACTIVE.incrementAndGet();
    long started = System.nanoTime();
    return evidence()
        .compose(this::runCore)
        .compose(coreOk -> coreOk ? runSections().map(v -> finalStatus()) : Future.succeededFuture("failed"))
        .recover(err -> {
          log.warn("report {} failed: {}", id, err.getMessage());
          return Future.succeededFuture(cancelled ? "cancelled" : "failed");
        })
        .compose(status -> finish(status, started));
  }

  private String finalStatus() {
    if (cancelled) {
      return "cancelled";
    }
    return sectionStatus.containsValue("failed") ? "partial" : "done";
  }

  private Future<String> finish(String status, long started) {
    ReportRoutes.ACTIVE.decrementAndGet();
    Counter.builder(MetricNames.JOBS_COMPLETED).tag(MetricNames.TAG_KIND, "report")
        .tag(MetricNames.TAG_OUTCOME, status).register(Metrics.registry()).increment();
    JsonObject row = new JsonObject().put("id", id).put("status", status)
        .put("finished_at", Instant.now().toString());
    return write("reports", List.of(row))
        .recover(err -> Future.succeededFuture())
        .compose(v -> {
          events.emit("report_complete", new JsonObject().put("report_id", id).put("status", status)
              .put("processing_time_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
          return events.close();
        })
        .map(status);
  }

  // ---- evidence ----

  private Future<JsonArray> evidence() {
    Future<JsonArray> stored = request.researchId() == null
        ? Future.succeededFuture(new JsonArray())
        : storedEvidence(request.researchId());
    return stored.compose(ev -> ev.isEmpty() ? searchEvidence() : Future.succeededFuture(ev))
        .recover(err -> {
          // no evidence is not fatal: the steps say what could not be found
          log.warn("report {}: no evidence gathered for {}: {}", id, request.domain(), err.getMessage());
          return Future.succeededFuture(new JsonArray());
        });
  }

  /** The evidence a finished research run stored for this domain. */
  private Future<JsonArray> storedEvidence(String runId) {
    JsonObject query = new JsonObject().put("query", DbQueries.COMPANY_RESULT)
        .put("params", new JsonObject().put("run_id", runId).put("domain", request.domain()));
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, query)
        .map(reply -> {
          JsonArray rows = reply.body().getJsonArray("rows", new JsonArray());
          if (rows.isEmpty()) {
            return new JsonArray();
          }
          JsonObject result = rows.getJsonObject(0).getJsonObject("result", new JsonObject());
          return result.getJsonObject("findings", new JsonObject()).getJsonArray("evidence", new JsonArray());
        })
        .recover(err -> Future.succeededFuture(new JsonArray()));
  }

  /** Strategies for the goal, then one search per strategy for this domain, de-duplicated. */
  private Future<JsonArray> searchEvidence() {
    JsonObject ask = new JsonObject().put("research_goal", request.researchGoal())
        .put("search_depth", request.searchDepth());
    return vertx.eventBus().<JsonObject>request(Addresses.QUERY_GENERATE, ask, timeout())
        .compose(reply -> {
          JsonArray strategies = reply.body().getJsonArray("strategies", new JsonArray());
          String company = io.gtm.gateway.research.internal.DomainNames.companyName(request.domain());
          List<Future<SearchOutcome>> searches = new ArrayList<>();
          for (Object o : strategies) {
            Strategy s = Strategy.fromJson((JsonObject) o);
            SearchTask task = new SearchTask(id, request.domain(), company, s.channel(),
                s.queryFor(request.domain(), company), request.searchDepth(), 4);
            searches.add(vertx.eventBus().<JsonObject>request(Addresses.search(s.channel()), task.toJson(), timeout())
                .map(m -> SearchOutcome.fromJson(m.body()))
                .recover(err -> Future.succeededFuture(SearchOutcome.failure(err.getMessage()))));
          }
          return Future.join(searches).transform(ar -> {
            Set<String> seen = new LinkedHashSet<>();
            JsonArray all = new JsonArray();
            for (Future<SearchOutcome> f : searches) {
              if (f.succeeded()) {
                f.result().evidence().forEach(e -> {
                  if (seen.add(e.dedupKey()) && all.size() < MAX_EVIDENCE) {
                    all.add(e.toJson());
                  }
                });
              }
            }
            return Future.succeededFuture(all);
          });
        });
  }


  // ---- core ----

  private Future<Boolean> runCore(JsonArray found) {
    this.evidence = found;
    long started = System.nanoTime();
    Future<Boolean> chain = Future.succeededFuture(true);
    for (String step : CORE) {
      chain = chain.compose(ok -> {
        if (!ok || cancelled) {
          return Future.succeededFuture(false);
        }
        return attempt(step, 1).compose(outcome -> {
          if (outcome.body() == null) {
            events.emit("core_step_failed", new JsonObject().put("name", step).put("error", outcome.error()));
            return Future.succeededFuture(false);
          }
          core.put(step, outcome.body());
          return write("reports", List.of(new JsonObject().put("id", id).put("core", core.copy())))
              .map(v -> {
                events.emit("core_step_ready", new JsonObject().put("report_id", id).put("name", step)
                    .put("body", outcome.body()));
                return true;
              });
        });
      });
    }
    return chain.onComplete(ar -> stage("core", started)).map(ok -> ok && !cancelled);
  }

  // ---- sections ----

  private Future<Void> runSections() {
    long started = System.nanoTime();
    Promise<Void> done = Promise.promise();
    Deque<String> waiting = new ArrayDeque<>(SECTIONS);
    int[] running = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (running[0] < sectionLimit && !waiting.isEmpty() && !cancelled) {
        String name = waiting.poll();
        running[0]++;
        runSection(name).onComplete(ar -> {
          running[0]--;
          if ((waiting.isEmpty() || cancelled) && running[0] == 0) {
            done.tryComplete();
          } else {
            pump[0].run();
          }
        });
      }
      if (running[0] == 0) {
        done.tryComplete();
      }
    };
    // the pump's state is only touched on this context's event loop
    vertx.getOrCreateContext().runOnContext(v -> pump[0].run());
    return done.future().onComplete(ar -> stage("sections", started));
  }

  private Future<Void> runSection(String name) {
    sectionStatus.put(name, "running");
    // the status write need not hold up the call: the db-writer applies it before the final row
    write("report_sections", List.of(new JsonObject().put("report_id", id).put("name", name).put("status", "running")));
    return attempt(name, 1)
        .compose(outcome -> {
          if (cancelled) {
            return Future.succeededFuture();
          }
          boolean ok = outcome.body() != null;
          sectionStatus.put(name, ok ? "done" : "failed");
          Counter.builder(MetricNames.UNITS).tag(MetricNames.TAG_KIND, "section")
              .tag(MetricNames.TAG_OUTCOME, ok ? "success" : "failure").register(Metrics.registry()).increment();
          JsonObject row = new JsonObject().put("report_id", id).put("name", name)
              .put("status", ok ? "done" : "failed").put("attempts", outcome.attempts())
              .put("body", ok ? outcome.body() : null).put("error", ok ? null : outcome.error())
              .put("updated_at", Instant.now().toString());
          return write("report_sections", List.of(row)).map(v -> {
            JsonObject event = new JsonObject().put("report_id", id).put("name", name)
                .put("status", ok ? "done" : "failed").put("attempts", outcome.attempts());
            if (ok) {
              event.put("body", outcome.body());
            } else {
              event.put("error", outcome.error());
            }
            events.emit("section_ready", event);
            return null;
          });
        });
  }

  // ---- one step, with retries ----

  record Outcome(JsonObject body, String error, int attempts) {}

  private Future<Outcome> attempt(String step, int attempt) {
    JsonObject ask = new JsonObject().put("step", step).put("domain", request.domain())
        .put("research_goal", request.researchGoal())
        .put("evidence", evidence)
        .put("previous", core.copy());
    return vertx.eventBus().<JsonObject>request(Addresses.REPORT_STEP, ask, timeout())
        .map(reply -> new Outcome(reply.body(), null, attempt))
        .recover(err -> {
          if (attempt >= MAX_ATTEMPTS || cancelled) {
            return Future.succeededFuture(new Outcome(null, err.getMessage(), attempt));
          }
          log.info("report {} step {} attempt {} failed: {}", id, step, attempt, err.getMessage());
          return attempt(step, attempt + 1);
        });
  }

  // ---- plumbing ----

  private DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(stepTimeoutMs);
  }

  private Future<Void> write(String table, List<JsonObject> rows) {
    if (cancelled && !"reports".equals(table)) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite(table, rows).toJson(),
        new DeliveryOptions().setSendTimeout(60_000)).mapEmpty();
  }

  private static void stage(String stage, long startedNanos) {
    Timer.builder(MetricNames.STAGE).tag(MetricNames.TAG_PIPELINE, "reports").tag(MetricNames.TAG_STAGE, stage)
        .register(Metrics.registry()).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }
}
