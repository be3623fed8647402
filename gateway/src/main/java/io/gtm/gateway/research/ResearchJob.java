package io.gtm.gateway.research;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.model.DbWrite;
import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchOutcome;
import io.gtm.common.model.SearchTask;
import io.gtm.common.model.Strategy;
import io.gtm.gateway.events.EventWire;
import io.gtm.gateway.events.StoredRows;
import io.gtm.common.events.JobEventLog;
import io.gtm.gateway.research.internal.DomainNames;
import io.gtm.gateway.research.internal.ResearchRequest;
import io.gtm.gateway.research.internal.SearchSchedule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates one research job: strategies once, then domain x strategy searches released to the
 * channel pools as they have room ({@link SearchSchedule}), each domain's analysis as soon as its
 * searches are done (overlapping other domains' searches), each result stored in
 * {@code company_results} and announced, the {@code research_runs} row kept current, and the
 * job's events emitted through its {@link JobEventLog}. Runs on the context that created it
 * (one of the {@link JobContexts}, away from the event loop that serves HTTP).
 *
 * <p>Durable: the run row holds everything needed to go on (request, domains, strategies, counts),
 * and the coordinator that owns it ({@code owner_node}) renews a heartbeat through
 * {@link ResearchTakeover}. When the owner dies or hands the job back, another gateway claims the
 * run and {@link #resume resumes} it, skipping the domains whose result is stored. Searches and
 * analyses are units with a deadline, sent again (to any live worker) when a worker dies with one
 * in flight; every write is idempotent by key, so a unit done twice is stored once.
 */
public final class ResearchJob {
  private static final Logger log = LoggerFactory.getLogger(ResearchJob.class);
  public static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");
  static final String DEFAULT_LANE = "default";
  static final int ANALYSIS_WINDOW = 32;
  static final int MIN_OPEN_DOMAINS = 256;
  static final int MAX_WRITE_ATTEMPTS = 8;
  static final long HEARTBEAT_MS = 15_000;
  static final long PROGRESS_WRITE_MS = 1_000;
  private static final long CALL_TIMEOUT_MS = 180_000;
  /** One write's deadline: a db-writer that died with it in flight is sent it again after this. */
  static final long WRITE_DEADLINE_MS = 30_000;
  /** Each step of a hand-back (storing that the job has no owner, storing its last events) takes at most this. */
  static final long RELEASE_STEP_MS = 5_000;

  /** Jobs running in this process, by id. */
  static final Map<String, ResearchJob> RUNNING = new ConcurrentHashMap<>();
  /** Jobs ended here whose final state is not stored yet (db-writer away): still answered from memory. */
  private static final Map<String, ResearchJob> ENDING = new ConcurrentHashMap<>();
  private static final AtomicInteger ACTIVE = new AtomicInteger();

  static final String KIND = "research";
  static final String SUCCESS = "success";
  static final String FAILURE = "failure";

  static {
    Gauge.builder(MetricNames.JOBS_ACTIVE, ACTIVE, AtomicInteger::get).tag(MetricNames.TAG_KIND, KIND)
        .strongReference(true).register(Metrics.registry());
    Gauge.builder(MetricNames.JOB_IDLE, RUNNING, ResearchJob::longestIdleSeconds).tag(MetricNames.TAG_KIND, KIND)
        .baseUnit("seconds").strongReference(true).register(Metrics.registry());
    // every series a dashboard reads exists from the start, at 0
    for (Status s : List.of(Status.done, Status.failed, Status.cancelled)) {
      jobsCompleted(s.name());
    }
    for (String kind : List.of("search", "analysis")) {
      units(kind, SUCCESS);
      units(kind, FAILURE);
    }
    // timers are not registered ahead: one registered before Vert.x adds its meter filter would get
    // another distribution type than later ones of the same name, and break the scrape
  }

  public enum Status { queued, running, done, failed, cancelled }

  /** The job of that id this process runs, or ended and is still storing its final state; else null. */
  static ResearchJob live(String id) {
    ResearchJob job = RUNNING.get(id);
    return job != null ? job : ENDING.get(id);
  }

  /** One open domain's evidence so far, and the keys of what it holds. */
  private static final class Found {
    final List<Evidence> items = new ArrayList<>();
    final Set<String> keys = new HashSet<>();
  }

  private final Vertx vertx;
  private final Context context;
  private final String id;
  private final ResearchRequest request;
  private final String owner;
  private final JobEventLog events;
  /** The coordinator (gateway verticle) that owns the job and renews its claim. */
  private final String node;
  private final String scope;
  private final long unitDeadlineMs;
  private final Promise<JsonObject> done = Promise.promise();
  private final io.vertx.core.eventbus.MessageConsumer<JsonObject> cancelConsumer;
  private final io.vertx.core.eventbus.MessageConsumer<JsonObject> statusConsumer;
  /** True from a write db-writer did not answer until one it does (the outage is logged once). */
  private boolean writesUnanswered;

  private volatile Status status = Status.queued;
  /** Stopped here without an outcome: handed back, or no longer owned (another gateway goes on). */
  private volatile boolean released;
  private long startedAt = System.currentTimeMillis();
  private volatile long lastProgressAt = startedAt;
  private List<Strategy> strategies = List.of();
  private String strategySource;
  private SearchSchedule schedule;
  private volatile int maxOpen;
  /** The evidence of each open domain, de-duplicated by (url, title, snippet). */
  private final Map<Integer, Found> evidence = new HashMap<>();
  private final ArrayDeque<Integer> readyForAnalysis = new ArrayDeque<>();
  private final BitSet highConfidence = new BitSet();
  private int analysesInFlight;
  private boolean pumping;
  private boolean pumpAgain;
  /** Result writes sent and not yet committed (a cancellation waits for them: nothing is stored after it). */
  private final Set<Future<Void>> resultWrites = new HashSet<>();
  private volatile long searchesCompleted;
  /** Searches executed by earlier coordinators of this run (a taken-over job goes on counting). */
  private long searchesBefore;
  /** Searches of finished domains plus those done here: the progress milestones' measure. */
  private long searchesProgress;
  /** Domains whose result an earlier coordinator stored (a taken-over job), or null. */
  private BitSet storedBefore;
  private volatile long searchesFailed;
  private volatile int domainsCompleted;
  private int domainsWithEvidence;
  private int nextMilestone = 25;
  private boolean analysisStarted;
  private long searchStartNanos;
  private long searchEndNanos;
  private long analysisStartNanos;
  private long analysisEndNanos;
  private double strategiesSeconds;
  private double lastAnalysisSeconds;
  private long lastRunWrite;
  private long heartbeatTimer = -1;
  private long finishedAt;

  /**
   * @param node the coordinator that owns the job ({@link ResearchTakeover#node()})
   */
  public ResearchJob(Vertx vertx, EngineConfig cfg, String id, ResearchRequest request, String owner, JobEventLog events,
                     String node) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.id = id;
    this.request = request;
    this.owner = owner;
    this.events = events;
    this.node = node;
    this.scope = cfg.get("CLUSTER_NAME", "gtm");
    this.unitDeadlineMs = unitDeadlineMs(cfg);
    RUNNING.put(id, this);
    // a DELETE reaching another gateway is forwarded here
    this.cancelConsumer = vertx.eventBus().consumer(Addresses.researchCancel(id), msg ->
        cancel().onComplete(ar -> msg.reply(new JsonObject().put("research_id", id).put("status", status.name()))));
    // another gateway whose store does not answer asks here for the live state
    this.statusConsumer = vertx.eventBus().consumer(Addresses.researchStatus(id), msg ->
        msg.reply(new JsonObject().put("state", statusJson()).put("owner", owner)));
  }

  /**
   * How long a search or an analysis may take before it is sent again: {@code RESEARCH_UNIT_DEADLINE_MS}
   * when set, else the provider timeout times its attempts plus 30 s of rate-limit wait (at most 3 min).
   */
  static long unitDeadlineMs(EngineConfig cfg) {
    long set = cfg.getInt("RESEARCH_UNIT_DEADLINE_MS");
    return set > 0 ? set : Math.min(CALL_TIMEOUT_MS,
        (long) cfg.getInt("PROVIDER_TIMEOUT_MS") * (cfg.getInt("PROVIDER_MAX_RETRIES") + 1) + 30_000);
  }

  /** The context the job runs on: its state is changed and read there only. */
  Context context() {
    return context;
  }

  /** The coordinator that owns this job here. */
  String node() {
    return node;
  }

  public String id() {
    return id;
  }

  public ResearchRequest request() {
    return request;
  }

  /** The owner identity (API key) that started the job, or null when the API is open. */
  public String owner() {
    return owner;
  }

  public JobEventLog events() {
    return events;
  }

  public Status status() {
    return status;
  }

  /** Completes with the batch response's top-level fields (all but {@code results}) when the job ends. */
  public Future<JsonObject> done() {
    return done.future();
  }

  /**
   * Emits {@code connected}, stores the run (request, domains, owner) and starts the pipeline; the
   * future completes once the run is stored, so a job that was answered 202 survives a crash.
   */
  public Future<Void> start() {
    events.emit("connected", new JsonObject().put("research_id", id).put("owner", owner)
        .put("total_companies", request.companyDomains().size()));
    ACTIVE.incrementAndGet();
    status = Status.running;
    Future<Void> stored = writeRun(new JsonObject().put("status", status.name())
        .put("research_goal", request.researchGoal()).put("search_depth", request.searchDepth())
        .put("request", request.summaryJson()).put("total_companies", request.companyDomains().size())
        .put("completed_companies", 0).put("owner_key", owner).put("owner_node", node).put("scope", scope)
        .put("heartbeat_at", startedAt).put("domains", request.domainsText()).put("searches_executed", 0)
        .put("created_at", startedAt));
    events.emit("pipeline_start", new JsonObject().put("research_id", id)
        .put("research_goal", request.researchGoal()).put("search_depth", request.searchDepth())
        .put("total_companies", request.companyDomains().size())
        .put("max_parallel_searches", request.maxParallelSearches())
        .put("confidence_threshold", request.confidenceThreshold()));
    startHeartbeat();
    // the strategies are asked for meanwhile: nothing they start needs the row
    stored.onFailure(err -> fail("the research run could not be stored: " + err.getMessage()));
    generateStrategies();
    return stored;
  }

  /**
   * Goes on with a run another coordinator started: {@code row} is its research_runs row (claimed
   * by this node), {@code storedResults} the confidence of each domain whose result is stored
   * already. Those domains are neither searched nor analysed again; the strategies are reused.
   */
  public void resume(JsonObject row, Map<String, Double> storedResults) {
    String created = row.getString("created_at");
    if (created != null) {
      startedAt = java.time.Instant.parse(created).toEpochMilli();
    }
    Long before = row.getLong("searches_executed");
    searchesBefore = before == null ? 0 : before;
    JsonObject perf = row.getJsonObject("search_performance");
    Long failedBefore = perf == null ? null : perf.getLong("failed_requests");
    searchesFailed = failedBefore == null ? 0 : failedBefore;
    storedBefore = new BitSet(request.companyDomains().size());
    for (int i = 0; i < request.companyDomains().size(); i++) {
      Double confidence = storedResults.get(request.companyDomains().get(i));
      if (confidence != null) {
        storedBefore.set(i);
        domainsCompleted++;
        if (confidence >= request.confidenceThreshold()) {
          highConfidence.set(i);
        }
      }
    }
    ACTIVE.incrementAndGet();
    status = Status.running;
    log.info("research job {} taken over by {}: {} of {} domains stored already", id, node, domainsCompleted,
        request.companyDomains().size());
    events.emit("resumed", new JsonObject().put("research_id", id).put("completed_companies", domainsCompleted)
        .put("total_companies", request.companyDomains().size()));
    startHeartbeat();
    JsonArray stored = row.getJsonArray("strategies");
    if (stored == null || stored.isEmpty()) {
      generateStrategies();
      return;
    }
    try {
      strategies = parseStrategies(stored);
    } catch (RuntimeException e) {
      generateStrategies();
      return;
    }
    strategySource = "stored";
    plan();
  }

  private void startHeartbeat() {
    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MS, t -> {
      if (!isOver()) {
        events.emit("heartbeat", new JsonObject().put("research_id", id)
            .put("completed_companies", domainsCompleted).put("total_companies", request.companyDomains().size()));
      }
    });
  }

  private void generateStrategies() {
    if (isOver()) {
      return;
    }
    long t0 = System.nanoTime();
    vertx.eventBus().<JsonObject>request(Addresses.QUERY_GENERATE,
            new JsonObject().put("research_goal", request.researchGoal()).put("search_depth", request.searchDepth()),
            new DeliveryOptions().setSendTimeout(CALL_TIMEOUT_MS))
        .map(m -> m.body())
        .onSuccess(body -> {
          strategiesSeconds = (System.nanoTime() - t0) / 1e9;
          stageTimer("strategies").record(Duration.ofNanos(System.nanoTime() - t0));
          onStrategies(body);
        })
        .onFailure(err -> fail("strategies could not be generated: " + err.getMessage()));
  }

  private static List<Strategy> parseStrategies(JsonArray array) {
    List<Strategy> list = new ArrayList<>();
    for (Object o : array) {
      list.add(Strategy.fromJson((JsonObject) o));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no strategies");
    }
    return List.copyOf(list);
  }

  private void onStrategies(JsonObject body) {
    if (isOver()) {
      return;
    }
    try {
      strategies = parseStrategies(body.getJsonArray("strategies", new JsonArray()));
    } catch (RuntimeException e) {
      fail("strategies are invalid: " + e.getMessage());
      return;
    }
    strategySource = body.getString("source", "llm");
    JsonArray arr = strategiesJson();
    writeRun(new JsonObject().put("strategies", arr));
    events.emit("strategies_generated", new JsonObject().put("strategies", arr).put("count", strategies.size())
        .put("source", strategySource));
    plan();
  }

  /** Sizes the pools and the open-domain window, then starts the searches. */
  private void plan() {
    int n = request.maxParallelSearches();
    List<String> lanes = new ArrayList<>();
    Map<String, Integer> limits = new HashMap<>();
    for (Strategy s : strategies) {
      String lane = CHANNELS.contains(s.channel()) ? s.channel() : DEFAULT_LANE;
      lanes.add(lane);
      int pool = lane.equals(DEFAULT_LANE) ? Math.max(n / 4, 2) : n;
      // the pool in search-workers holds the limit; a few more tasks wait there, so that a freed
      // slot starts the next search at once instead of after a round trip through this job
      limits.put(lane, pool + Math.max(2, pool / 2));
    }
    int window = limits.values().stream().mapToInt(Integer::intValue).sum();
    // domains open at once: enough to keep every pool busy while finished domains wait for their
    // analysis and the commit of their result, few enough that the evidence held stays small
    maxOpen = Math.max(MIN_OPEN_DOMAINS, 4 * window);
    schedule = new SearchSchedule(request.companyDomains().size(), lanes, limits, maxOpen);
    if (storedBefore != null) {
      storedBefore.stream().forEach(schedule::alreadyFinished);
      searchesProgress = (long) schedule.finished() * strategies.size();
      while (nextMilestone <= 100 && searchesProgress * 100 >= schedule.totalSearches() * nextMilestone) {
        nextMilestone += 25;
      }
    }
    searchStartNanos = System.nanoTime();
    if (schedule.allFinished()) {
      finish(); // every result was stored before the takeover
      return;
    }
    pump();
  }

  /** Starts every search the pools have room for, and every analysis the window allows. */
  private void pump() {
    if (pumping) {
      // a call that completed at once (e.g. no handler) calls back in here: loop instead of recursing
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        SearchSchedule.Launch launch;
        while (!isOver() && (launch = schedule.next()) != null) {
          search(launch);
        }
        while (!isOver() && analysesInFlight < ANALYSIS_WINDOW && !readyForAnalysis.isEmpty()) {
          analyse(readyForAnalysis.poll());
        }
      } while (pumpAgain && !isOver());
    } finally {
      pumping = false;
    }
  }

  private void search(SearchSchedule.Launch launch) {
    Strategy strategy = strategies.get(launch.strategy());
    String domain = request.companyDomains().get(launch.domain());
    String company = DomainNames.companyName(domain);
    SearchTask task = new SearchTask(id, domain, company, strategy.channel(), strategy.queryFor(domain, company),
        request.searchDepth(), request.maxParallelSearches());
    String address = CHANNELS.contains(strategy.channel()) ? Addresses.search(strategy.channel()) : Addresses.search(DEFAULT_LANE);
    Redispatch.request(vertx, address, task.toJson(), unitDeadlineMs, this::isOver)
        .map(body -> SearchOutcome.fromJson(body))
        .otherwise(err -> SearchOutcome.failure(err.getMessage()))
        .onSuccess(outcome -> onSearchDone(launch, strategy, outcome));
  }

  private void onSearchDone(SearchSchedule.Launch launch, Strategy strategy, SearchOutcome outcome) {
    if (isOver()) {
      return;
    }
    lastProgressAt = System.currentTimeMillis();
    searchesCompleted++;
    searchesProgress++;
    if (outcome.failed()) {
      searchesFailed++;
    }
    units("search", outcome.failed() ? FAILURE : SUCCESS).increment();
    if (!outcome.evidence().isEmpty()) {
      // every search of a domain answers here, so this is the one place that sees all its evidence
      Found found = evidence.computeIfAbsent(launch.domain(), k -> new Found());
      for (Evidence e : outcome.evidence()) {
        if (found.keys.add(e.dedupKey())) {
          found.items.add(e.channel() == null ? new Evidence(e.url(), e.title(), e.snippet(), e.sourceName(), strategy.channel()) : e);
        }
      }
    }
    if (schedule.searchDone(launch)) {
      if (evidence.containsKey(launch.domain())) {
        domainsWithEvidence++;
      }
      readyForAnalysis.add(launch.domain());
    }
    long total = schedule.totalSearches();
    while (nextMilestone <= 100 && searchesProgress * 100 >= total * nextMilestone) {
      events.emit("evidence_progress", new JsonObject().put("progress", nextMilestone)
          .put("completed", searchesProgress).put("total", total).put("domains_with_evidence", domainsWithEvidence));
      nextMilestone += 25;
    }
    if (searchesProgress == total) {
      searchEndNanos = System.nanoTime();
      stageTimer("search").record(Duration.ofNanos(searchEndNanos - searchStartNanos));
      events.emit("evidence_complete", new JsonObject().put("total_searches", total)
          .put("failed_requests", searchesFailed).put("domains_with_evidence", domainsWithEvidence));
    }
    progressWrite();
    pump();
  }

  private void analyse(int domainIndex) {
    String domain = request.companyDomains().get(domainIndex);
    if (!analysisStarted) {
      analysisStarted = true;
      analysisStartNanos = System.nanoTime();
      events.emit("analysis_start", new JsonObject().put("first_domain", domain)
          .put("searches_completed", searchesProgress).put("total_searches", schedule.totalSearches()));
    }
    Found held = evidence.get(domainIndex);
    List<Evidence> found = held == null ? List.of() : held.items;
    if (found.isEmpty()) {
      store(domainIndex, found, new JsonObject().put("technologies", new JsonArray())
          .put("goal_match_signals", new JsonArray()).put("confidence_score", 0.0));
      return;
    }
    analysesInFlight++;
    long analysisStart = System.nanoTime();
    JsonArray ev = new JsonArray();
    found.forEach(e -> ev.add(e.toJson()));
    Redispatch.request(vertx, Addresses.ANALYZE,
            new JsonObject().put("research_goal", request.researchGoal()).put("domain", domain).put("evidence", ev),
            unitDeadlineMs, this::isOver)
        .onComplete(ar -> {
          analysesInFlight--;
          lastAnalysisSeconds = (System.nanoTime() - analysisStart) / 1e9;
          if (isOver()) {
            return;
          }
          JsonObject analysis = ar.succeeded() ? ar.result() : new JsonObject().put("technologies", new JsonArray())
              .put("goal_match_signals", new JsonArray()).put("confidence_score", 0.0);
          if (ar.failed()) {
            log.warn("analysis of {} in job {} failed: {}", domain, id, ar.cause().getMessage());
          }
          units("analysis", ar.succeeded() ? SUCCESS : FAILURE).increment();
          store(domainIndex, found, analysis);
          pump();
        });
  }

  /** Builds, stores and announces one company's result; the domain is finished once stored. */
  private void store(int domainIndex, List<Evidence> found, JsonObject analysis) {
    String domain = request.companyDomains().get(domainIndex);
    JsonObject result = companyResult(domain, found, analysis);
    double confidence = result.getDouble("confidence_score");
    JsonObject row = new JsonObject().put("run_id", id).put("domain", domain).put("confidence_score", confidence)
        .put("result", result);
    Future<Void> write = writeResult(row, 1);
    resultWrites.add(write);
    write.onComplete(ar -> resultWrites.remove(write))
        .onFailure(err -> log.warn("storing the result of {} in job {} failed: {}", domain, id, err.getMessage()))
        .onComplete(ar -> {
          if (isOver()) {
            return;
          }
          evidence.remove(domainIndex);
          if (confidence >= request.confidenceThreshold()) {
            highConfidence.set(domainIndex);
          }
          domainsCompleted++;
          lastProgressAt = System.currentTimeMillis();
          events.emit("domain_analyzed", new JsonObject().put("domain", domain).put("confidence", confidence)
              .put("evidence_count", found.size()).put("technologies", result.getJsonObject("findings").getJsonArray("technologies"))
              .put("progress", domainsCompleted).put("total", request.companyDomains().size()));
          schedule.domainFinished(domainIndex);
          if (schedule.allFinished()) {
            finish();
          } else {
            progressWrite();
            pump();
          }
        });
  }

  /** Writes a result row (see {@link #write}). */
  private Future<Void> writeResult(JsonObject row, int attempt) {
    return write("company_results", row, attempt);
  }

  /**
   * Writes one row and completes once it is committed. Sent again while db-writer does not answer
   * (it died with the row, or PostgreSQL is away and the row waits) for as long as the job runs
   * here, and up to {@link #MAX_WRITE_ATTEMPTS} times when it refuses (queue full): every write is
   * idempotent by key, so a row sent twice is stored once.
   */
  private Future<Void> write(String table, JsonObject row, int attempt) {
    return vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite(table, List.of(row)).toJson(),
            new DeliveryOptions().setSendTimeout(WRITE_DEADLINE_MS))
        .<Void>mapEmpty()
        .onSuccess(v -> {
          if (writesUnanswered) {
            writesUnanswered = false;
            log.info("research job {}: db-writer answers again", id);
          }
        })
        .recover(err -> {
          boolean unanswered = StoredRows.unanswered(err);
          if (released || (!unanswered && (attempt >= MAX_WRITE_ATTEMPTS || isOver()))) {
            return Future.failedFuture(err);
          }
          if (unanswered && !writesUnanswered) {
            // once per outage, not once per row and attempt
            writesUnanswered = true;
            log.info("research job {}: {} write unanswered ({}); writes are sent again until db-writer answers", id, table,
                err.getMessage());
          }
          Promise<Void> retry = Promise.promise();
          vertx.setTimer(Math.min(5_000, 100L << Math.min(attempt, 6)), t -> write(table, row, attempt + 1).onComplete(retry));
          return retry.future();
        });
  }

  /** The result of one company in the batch response's shape. */
  static JsonObject companyResult(String domain, List<Evidence> found, JsonObject analysis) {
    Set<String> sources = new LinkedHashSet<>();
    JsonArray ev = new JsonArray();
    for (Evidence e : found) {
      sources.add(e.sourceName());
      ev.add(new JsonObject().put("url", e.url()).put("title", e.title()).put("snippet", e.snippet())
          .put("source_name", e.sourceName()));
    }
    double c = analysis.getValue("confidence_score") instanceof Number n ? n.doubleValue() : 0;
    c = found.isEmpty() || Double.isNaN(c) ? 0 : Math.max(0, Math.min(1, c));
    JsonArray tech = found.isEmpty() ? new JsonArray() : analysis.getJsonArray("technologies", new JsonArray());
    JsonArray signals = found.isEmpty() ? new JsonArray() : analysis.getJsonArray("goal_match_signals", new JsonArray());
    return new JsonObject().put("domain", domain).put("confidence_score", Math.round(c * 100) / 100.0)
        .put("evidence_sources", sources.size())
        .put("findings", new JsonObject().put("technologies", tech).put("evidence", ev).put("signals_found", signals.size()));
  }

  private void finish() {
    analysisEndNanos = System.nanoTime();
    if (analysisStarted) {
      stageTimer("analysis").record(Duration.ofNanos(analysisEndNanos - analysisStartNanos));
    }
    status = Status.done;
    finishedAt = System.currentTimeMillis();
    JsonObject summary = summary();
    JsonArray high = new JsonArray();
    highConfidence.stream().forEach(i -> high.add(request.companyDomains().get(i)));
    events.emit("high_confidence_results", new JsonObject().put("threshold", request.confidenceThreshold())
        .put("count", high.size()).put("domains", high));
    JsonObject metrics = new JsonObject().put("search_performance", summary.getJsonObject("search_performance"))
        .put("stage_seconds", stageSeconds())
        .put("strategy_source", strategySource);
    events.emit("pipeline_complete", new JsonObject().put(EventWire.STREAM,
            EventWire.streamRef("results", DbQueries.COMPANY_RESULTS, new JsonObject().put("run_id", id), "result"))
        .put("summary", summary).put("metrics", metrics));
    events.emit("completed", new JsonObject().put("research_id", id).put("status", "done"));
    end("done");
    ending(writeRun(new JsonObject().put("status", "done").put("completed_companies", domainsCompleted)
        .put("search_performance", summary.getJsonObject("search_performance"))
        .put("searches_executed", searchesBefore + searchesCompleted)
        .put("processing_time_ms", summary.getLong("processing_time_ms")).put("finished_at", finishedAt)))
        .eventually(() -> events.close())
        .onComplete(ar -> done.tryComplete(summary));
  }

  /** The batch response's top-level fields, all but {@code results}. */
  public JsonObject summary() {
    long end = finishedAt > 0 ? finishedAt : System.currentTimeMillis();
    long elapsed = Math.max(1, end - startedAt);
    double qps = Math.round((searchesBefore + searchesCompleted) * 1000.0 / elapsed * 100) / 100.0;
    return new JsonObject().put("research_id", id).put("total_companies", request.companyDomains().size())
        .put("search_strategies_generated", strategies.size())
        .put("total_searches_executed", searchesBefore + searchesCompleted)
        .put("processing_time_ms", end - startedAt)
        .put("search_performance", new JsonObject().put("queries_per_second", qps).put("failed_requests", searchesFailed));
  }

  /** The job's state for {@code GET /api/research/jobs/{id}} (results added by the caller). */
  public JsonObject statusJson() {
    JsonObject s = summary();
    return new JsonObject().put("research_id", id).put("status", status.name())
        .put("total_companies", request.companyDomains().size()).put("completed_companies", domainsCompleted)
        .put("search_performance", s.getJsonObject("search_performance"))
        .put("processing_time_ms", s.getLong("processing_time_ms"));
  }

  /** Stops the job: nothing more is started, stored or announced but the cancellation. */
  public Future<Void> cancel() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      if (isOver()) {
        p.complete();
        return;
      }
      status = Status.cancelled;
      finishedAt = System.currentTimeMillis();
      evidence.clear();
      readyForAnalysis.clear();
      events.emit("error", new JsonObject().put("error", new JsonObject().put("code", "cancelled")
          .put("message", "research job " + id + " was cancelled")));
      end("cancelled");
      ending(Future.join(new ArrayList<>(resultWrites))
          .transform(ar -> writeRun(new JsonObject().put("status", "cancelled").put("completed_companies", domainsCompleted)
              .put("finished_at", finishedAt))))
          .eventually(() -> events.close())
          .onComplete(ar -> {
            done.tryFail(new io.gtm.common.ApiException(io.gtm.common.ErrorCode.CONFLICT, "research job " + id + " was cancelled"));
            p.complete();
          });
    });
    return p.future();
  }

  private void fail(String reason) {
    if (isOver()) {
      return;
    }
    log.warn("research job {} failed: {}", id, reason);
    status = Status.failed;
    finishedAt = System.currentTimeMillis();
    events.emit("error", new JsonObject().put("error", new JsonObject().put("code", "pipeline_failed").put("message", reason)));
    end("failed");
    ending(writeRun(new JsonObject().put("status", "failed").put("finished_at", finishedAt)))
        .eventually(() -> events.close())
        .onComplete(ar -> done.tryFail(new io.gtm.common.ApiException(io.gtm.common.ErrorCode.PROVIDER_FAILED, reason)));
  }

  private void end(String outcome) {
    ENDING.put(id, this);
    stopHere();
    jobsCompleted(outcome).increment();
  }

  /** The job is answered from memory ({@link #live}) until {@code finalWrite} (its final state) is done. */
  private <T> Future<T> ending(Future<T> finalWrite) {
    return finalWrite.onComplete(ar -> ENDING.remove(id, this));
  }

  private void stopHere() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    cancelConsumer.unregister();
    statusConsumer.unregister();
    ACTIVE.decrementAndGet();
    RUNNING.remove(id, this);
  }

  /**
   * Stops coordinating the job here without ending it: nothing more is started, stored or
   * announced. With {@code handBack} (this gateway is shutting down) the run's owner is cleared so
   * that another gateway takes it over at once; without it (the claim was lost: another gateway
   * owns the run now, or it was cancelled elsewhere) nothing is written.
   */
  Future<Void> release(String reason, boolean handBack) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      if (isOver()) {
        p.complete();
        return;
      }
      released = true;
      log.info("research job {} released by {}: {}", id, node, reason);
      evidence.clear();
      readyForAnalysis.clear();
      stopHere();
      // results still being written are not waited for: the next owner redoes a domain not stored yet,
      // and a late write of the same row is an idempotent upsert. Each step is bounded: a stop is short.
      // the events go to storage before the owner is cleared: the next owner numbers its events after
      // the last one stored, and one of ours stored later would take a number it uses (and be dropped)
      Future<Void> flushed = bounded(events.close(), RELEASE_STEP_MS);
      Future<Void> handed = !handBack ? flushed : flushed.compose(x -> bounded(vertx.eventBus().request(Addresses.DB_WRITE,
          new DbWrite("research_runs", List.of(new JsonObject()
              .put("id", id).put("completed_companies", domainsCompleted)
              .put("searches_executed", searchesBefore + searchesCompleted)
              .put("owner_node", (Object) null).put("heartbeat_at", (Object) null))).toJson(),
          new DeliveryOptions().setSendTimeout(RELEASE_STEP_MS)), RELEASE_STEP_MS));
      handed.onComplete(ar -> {
        done.tryFail(new io.gtm.common.ApiException(io.gtm.common.ErrorCode.UNAVAILABLE, "research job " + id
            + " moved to another gateway (" + reason + "); follow it with GET /api/research/jobs/" + id));
        p.complete();
      });
    });
    return p.future();
  }

  private static Counter jobsCompleted(String outcome) {
    return Counter.builder(MetricNames.JOBS_COMPLETED).tag(MetricNames.TAG_KIND, KIND).tag(MetricNames.TAG_OUTCOME, outcome)
        .register(Metrics.registry());
  }

  /** Completes when {@code f} does or after {@code ms}, whichever is first (never fails). */
  private Future<Void> bounded(Future<?> f, long ms) {
    Promise<Void> p = Promise.promise();
    long timer = vertx.setTimer(ms, t -> p.tryComplete());
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      p.tryComplete();
    });
    return p.future();
  }

  private boolean isOver() {
    return released || status == Status.done || status == Status.failed || status == Status.cancelled;
  }

  private void progressWrite() {
    long now = System.currentTimeMillis();
    if (now - lastRunWrite >= PROGRESS_WRITE_MS) {
      lastRunWrite = now;
      // sent once, never again: a later progress write (or the final one) supersedes it, and a stale
      // copy resent after a db-writer died would overwrite newer counts
      JsonObject row = new JsonObject().put("id", id).put("completed_companies", domainsCompleted)
          .put("search_performance", summary().getJsonObject("search_performance"))
          .put("searches_executed", searchesBefore + searchesCompleted);
      vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("research_runs", List.of(row)).toJson(),
              new DeliveryOptions().setSendTimeout(WRITE_DEADLINE_MS))
          .onFailure(err -> log.debug("progress of research job {} not stored: {}", id, err.getMessage()));
    }
  }

  /**
   * Updates the run row; only the columns given (a progress write never carries {@code status}, so
   * it cannot undo a cancellation made elsewhere). Fails only when the write was refused for good.
   */
  private Future<Void> writeRun(JsonObject columns) {
    return write("research_runs", columns.put("id", id), 1)
        .onFailure(err -> log.warn("storing research run {} failed: {}", id, err.getMessage()));
  }

  private JsonArray strategiesJson() {
    JsonArray arr = new JsonArray();
    strategies.forEach(s -> arr.add(s.toJson()));
    return arr;
  }

  private static Timer stageTimer(String stage) {
    return Timer.builder(MetricNames.STAGE).tag(MetricNames.TAG_PIPELINE, KIND).tag(MetricNames.TAG_STAGE, stage)
        .register(Metrics.registry());
  }

  private static Counter units(String kind, String outcome) {
    return Counter.builder(MetricNames.UNITS).tag(MetricNames.TAG_KIND, kind).tag(MetricNames.TAG_OUTCOME, outcome)
        .register(Metrics.registry());
  }

  private static double longestIdleSeconds(Map<String, ResearchJob> jobs) {
    long now = System.currentTimeMillis();
    long worst = 0;
    for (ResearchJob j : jobs.values()) {
      worst = Math.max(worst, now - j.lastProgressAt);
    }
    return worst / 1000.0;
  }

  /**
   * Stage timings: strategies, search (first to last search), analysis (first analysis to the
   * end), the last analysis call, and the time from the last search to the end.
   */
  JsonObject stageSeconds() {
    return new JsonObject().put("strategies", strategiesSeconds)
        .put("search", (searchEndNanos - searchStartNanos) / 1e9)
        .put("analysis", analysisStarted ? (analysisEndNanos - analysisStartNanos) / 1e9 : 0.0)
        .put("last_analysis", lastAnalysisSeconds)
        .put("after_last_search", searchEndNanos > 0 ? (analysisEndNanos - searchEndNanos) / 1e9 : 0.0);
  }

  /** For tests and benchmarks: the most domains this job keeps open at once (0 before its strategies). */
  int maxOpenDomains() {
    return maxOpen;
  }

  /** For tests and benchmarks: how many domains hold evidence in memory right now. */
  int openDomains() {
    return schedule == null ? 0 : schedule.openDomains();
  }
}
