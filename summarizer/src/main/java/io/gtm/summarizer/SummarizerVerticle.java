package io.gtm.summarizer;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmClients;
import io.gtm.common.logging.Logging;
import io.gtm.common.resilience.DistributedSemaphore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The summarizer service: owns documents (claimed in the database, heartbeat renewed), splits
 * them, and summarises their chapters under the global LLM limit.
 *
 * <p>{@code summarizer.document {document_id}} claims and starts a document (reply
 * {@code {accepted, document_id}}); {@code summarizer.cancel} stops one. Every
 * {@code SUMMARIZER_SCAN_MS} (and at start) documents still in work whose owner's heartbeat is
 * stale are claimed and resumed, so a document survives the process that ran it.
 *
 * <p>A graceful stop hands the documents back: no new document is taken (the consumer of
 * {@code summarizer.document} goes first), each running document stores the chapters it has in
 * flight, its counters and its events, then its owner is cleared with a conditional update
 * ({@code DbQueries.DOCUMENT_RELEASE}: only if still ours) and the document is offered on
 * {@code summarizer.document}, so another summarizer claims it at once; the LLM permits held here
 * are given back to the cluster rather than left to expire.
 */
public final class SummarizerVerticle extends VerticleBase {
  public static final String SERVICE = "summarizer";
  private static final Logger log = LoggerFactory.getLogger(SummarizerVerticle.class);
  private static final List<String> IN_WORK = List.of("queued", "splitting", "running");
  /** Documents one process runs at once; more stay queued in the database (backpressure). */
  static final int MAX_DOCUMENTS = 8;
  /** How long a stopping summarizer waits for another one to accept a document it hands back. */
  static final long OFFER_TIMEOUT_MS = 3_000;
  static final int OFFER_ATTEMPTS = 5;

  private final LlmClient injected;
  private SummarizerConfig config;
  private LlmClient llm;
  private LlmPermits permits;
  private SummaryCache cache;
  private LlmDispatcher dispatcher;
  private final SummarizerMetrics metrics = new SummarizerMetrics();
  private final Map<String, DocumentJob> jobs = new LinkedHashMap<>();
  /** Recently cancelled ids, never claimed again (the gateway's cancelled status may not be committed yet). */
  private final Map<String, Boolean> cancelled = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 10_000;
    }
  };
  private String node;
  private MessageConsumer<JsonObject> documents;
  private long heartbeatTimer;
  private long scanTimer;
  private boolean stopping;
  private boolean scanning;

  public SummarizerVerticle() {
    this(null);
  }

  /** With a given LLM client instead of the configured one (benchmarks). */
  public SummarizerVerticle(LlmClient llm) {
    this.injected = llm;
  }

  @Override
  public Future<?> start() {
    config = SummarizerConfig.from(EngineConfig.fromJson(config()));
    llm = injected != null ? injected : LlmClients.create(vertx, config.clientConfig());
    permits = LlmPermits.distributed(DistributedSemaphore.create(vertx, config.engine(), "llm", config.llmConcurrency()));
    // SUMMARIZER_CACHE_SALT starts a separate cache (tests and benchmarks that must start cold)
    cache = new SummaryCache(vertx, llm.provider() + "/" + model(config.engine(), llm.provider())
        + config.engine().get("SUMMARIZER_CACHE_SALT", System.getenv().getOrDefault("SUMMARIZER_CACHE_SALT", "")));
    dispatcher = new LlmDispatcher(vertx, config.llmConcurrency(), permits);
    String clusterNode = Cluster.nodeId(vertx);
    node = ("local".equals(clusterNode) ? ManagementFactory.getRuntimeMXBean().getName() : clusterNode)
        + "/" + UUID.randomUUID().toString().substring(0, 8);
    metrics.gauges(() -> sum(d -> d.jobs().size()), SummarizerVerticle::idleSeconds, () -> sum(LlmDispatcher::queued),
        () -> sum(d -> d.limit() * 4), () -> sum(LlmDispatcher::inFlight), () -> config.llmConcurrency());
    heartbeatTimer = vertx.setPeriodic(config.heartbeatMs(), t -> heartbeat());
    scanTimer = vertx.setPeriodic(config.scanMs(), t -> scan());
    documents = vertx.eventBus().consumer(Addresses.SUMMARIZE_DOCUMENT, this::handleDocument);
    return Future.all(
            documents.completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.SUMMARIZE_CANCEL, this::handleCancel).completion(),
            Ping.register(vertx, SERVICE))
        .onSuccess(v -> scan());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    long t0 = System.nanoTime();
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(scanTimer);
    List<DocumentJob> running = List.copyOf(jobs.values());
    say(Level.INFO, "summarizer stopping: handing back %d document(s)", running.size());
    // no new document is routed here; the calls in flight are abandoned and their permits given back at once
    Future<Void> noIntake = documents == null ? Future.succeededFuture() : documents.unregister().otherwiseEmpty();
    Future<Void> permitsBack = permits.close(); // first: every lease in one call, awaited
    dispatcher.close();
    List<Future<Void>> handed = new java.util.ArrayList<>();
    for (DocumentJob job : running) {
      handed.add(noIntake.compose(v -> job.handBack()).compose(v -> handBack(job.id())));
    }
    return Future.join(handed).transform(x -> permitsBack)
        .onComplete(ar -> say(Level.INFO, "summarizer stopped in %d ms", (System.nanoTime() - t0) / 1_000_000));
  }

  /** A line of the stop, written directly: during a JVM shutdown the JDK resets the loggers, which would drop it. */
  static void say(Level level, String format, Object... args) {
    Logging.direct(level, SummarizerVerticle.class.getName(), String.format(java.util.Locale.ROOT, format, args));
  }

  /**
   * Clears the document's owner if it is still this node (never a newer owner's claim), then offers
   * it to the other summarizers so that one claims it now rather than at its next scan. Never fails.
   */
  private Future<Void> handBack(String id) {
    JsonObject params = new JsonObject().put("id", id).put("node", node);
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY,
            new JsonObject().put("query", DbQueries.DOCUMENT_RELEASE).put("params", params),
            new DeliveryOptions().setSendTimeout(DocumentJob.HAND_BACK_STEP_MS))
        .map(m -> !m.body().getJsonArray("rows", new JsonArray()).isEmpty())
        .compose(released -> {
          if (!released) {
            say(Level.INFO, "document %s not handed back: no longer owned here", id);
            return Future.succeededFuture();
          }
          say(Level.INFO, "document %s handed back by %s", id, node);
          return vertx.isClustered() ? offer(id, 1) : Future.succeededFuture();
        })
        .recover(err -> {
          say(Level.WARNING, "document %s not handed back (%s): another summarizer claims it once its heartbeat is stale",
              id, err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Offers a handed-back document on {@code summarizer.document}; a few tries while this node's own consumer is still seen. */
  private Future<Void> offer(String id, int attempt) {
    return vertx.eventBus().<JsonObject>request(Addresses.SUMMARIZE_DOCUMENT, new JsonObject().put("document_id", id),
            new DeliveryOptions().setSendTimeout(OFFER_TIMEOUT_MS))
        .<Void>map(m -> {
          say(Level.INFO, "document %s offered to the other summarizers: accepted %s", id, m.body().getBoolean("accepted"));
          return null;
        })
        .recover(err -> {
          boolean noHandler = err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
          if (noHandler && attempt < OFFER_ATTEMPTS) {
            // our own registration may still be in this node's view of the cluster for a moment
            return Future.<Void>future(p -> vertx.setTimer(100, t -> p.complete())).compose(v -> offer(id, attempt + 1));
          }
          say(Level.INFO, "document %s offered, no summarizer took it now (%s): the next scan claims it", id,
              err.getMessage());
          return Future.succeededFuture();
        });
  }

  private static String model(EngineConfig c, String provider) {
    return switch (provider) {
      case "gemini" -> c.get("GEMINI_MODEL", "");
      case "offline" -> "textrank";
      default -> c.get("LLM_MODEL", "");
    };
  }

  private static int sum(java.util.function.ToIntFunction<LlmDispatcher> f) {
    return LlmDispatcher.LIVE.stream().mapToInt(f).sum();
  }

  private static double idleSeconds() {
    long max = 0;
    for (LlmDispatcher d : LlmDispatcher.LIVE) {
      for (DocumentJob j : List.copyOf(d.jobs())) {
        max = Math.max(max, j.idleMs());
      }
    }
    return max / 1000.0;
  }

  private void handleDocument(Message<JsonObject> msg) {
    Object id = msg.body() == null ? null : msg.body().getValue("document_id");
    if (!(id instanceof String documentId) || documentId.isBlank()) {
      msg.fail(ErrorCode.VALIDATION.code(), "document_id: a document id is required");
      return;
    }
    claimAndRun(documentId).onComplete(ar -> {
      if (ar.failed()) {
        msg.fail(ErrorCode.UNAVAILABLE.code(), "document " + documentId + " not claimed: " + ar.cause().getMessage());
      } else {
        msg.reply(new JsonObject().put("document_id", documentId).put("accepted", ar.result()));
      }
    });
  }

  private void handleCancel(Message<JsonObject> msg) {
    String id = msg.body() == null ? null : msg.body().getString("document_id");
    if (id != null) {
      cancelled.put(id, true);
    }
    DocumentJob job = id == null ? null : jobs.get(id);
    if (job != null) {
      job.stop("cancelled");
    }
  }

  /** True when this process owns the document now (already running here, or just claimed). */
  private Future<Boolean> claimAndRun(String id) {
    if (jobs.containsKey(id)) {
      return Future.succeededFuture(true);
    }
    if (stopping || jobs.size() >= MAX_DOCUMENTS || cancelled.containsKey(id)) {
      return Future.succeededFuture(false);
    }
    return claim(id).map(row -> {
      if (row == null || jobs.containsKey(id) || stopping || cancelled.containsKey(id)) {
        return row != null;
      }
      DocumentJob job = new DocumentJob(vertx, row, config, llm, cache, metrics, dispatcher::pump, this::ended);
      jobs.put(id, job);
      dispatcher.add(job);
      log.info("document {} claimed by {} (status {})", id, node, row.getString("status"));
      job.start();
      return true;
    });
  }

  private void ended(DocumentJob job) {
    jobs.remove(job.id(), job);
    dispatcher.remove(job);
    log.info("document {} let go; LLM dispatcher so far: {}", job.id(), dispatcher.stats());
    dispatcher.pump();
    if (!stopping) {
      scan(); // a slot for another document
    }
  }

  /** The documents row once this node owns it, or null when another owner's heartbeat is fresh. */
  private Future<JsonObject> claim(String id) {
    JsonObject params = new JsonObject().put("id", id).put("node", node).put("stale_ms", config.staleMs());
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY,
            new JsonObject().put("query", DbQueries.DOCUMENT_CLAIM).put("params", params))
        .map(m -> {
          JsonArray rows = m.body().getJsonArray("rows", new JsonArray());
          return rows.isEmpty() ? null : rows.getJsonObject(0);
        });
  }

  /** Renews the claim of every running document; one this node no longer owns (taken over, cancelled) stops. */
  private void heartbeat() {
    for (DocumentJob job : List.copyOf(jobs.values())) {
      claim(job.id())
          // no row: lost, or only locked by a write in progress (the claim skips locked rows): read to tell
          .compose(row -> row != null ? Future.succeededFuture(true) : stillOwned(job.id()))
          .onSuccess(owned -> {
            if (!owned && job.active()) {
              job.stop("no longer owned here (cancelled, finished or taken over)");
            }
          })
          .onFailure(err -> log.debug("heartbeat of {} failed: {}", job.id(), err.getMessage()));
    }
  }

  /** Not owned by a live process, as far as the row says (the claim decides). */
  private boolean claimable(JsonObject doc) {
    String owner = doc.getString("owner_node");
    String heartbeat = doc.getString("heartbeat_at");
    return owner == null || owner.equals(node) || heartbeat == null
        || java.time.Instant.parse(heartbeat).isBefore(java.time.Instant.now().minusMillis(config.staleMs()));
  }

  private Future<Boolean> stillOwned(String id) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", DbQueries.DOCUMENT)
            .put("params", new JsonObject().put("id", id)))
        .map(m -> {
          JsonArray rows = m.body().getJsonArray("rows", new JsonArray());
          if (rows.isEmpty()) {
            return false;
          }
          JsonObject row = rows.getJsonObject(0);
          return IN_WORK.contains(row.getString("status")) && node.equals(row.getString("owner_node"));
        });
  }

  /** Claims documents in work that nobody (alive) owns. */
  private void scan() {
    if (scanning || stopping || jobs.size() >= MAX_DOCUMENTS) {
      return;
    }
    scanning = true;
    vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", DbQueries.DOCUMENTS_BY_STATUS)
            .put("params", new JsonObject().put("status", new JsonArray(IN_WORK))))
        .compose(m -> {
          Future<?> chain = Future.succeededFuture();
          for (Object o : m.body().getJsonArray("rows", new JsonArray())) {
            JsonObject doc = (JsonObject) o;
            String id = doc.getString("id");
            if (!jobs.containsKey(id) && claimable(doc)) {
              chain = chain.compose(v -> claimAndRun(id).recover(err -> Future.succeededFuture(false)));
            }
          }
          return chain;
        })
        .onComplete(ar -> {
          scanning = false;
          if (ar.failed()) {
            log.debug("scan for documents failed: {}", ar.cause().getMessage());
          }
        });
  }
}
