package io.gtm.search;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.Ping;
import io.gtm.common.cluster.WorkIntake;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.resilience.InFlight;
import io.gtm.common.resilience.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchOutcome;
import io.gtm.common.model.SearchTask;
import io.gtm.common.search.SearchClient;
import io.gtm.search.client.SearchClients;
import io.gtm.search.internal.TfIdfRanker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs domain x strategy searches. Consumes {@code search.<channel>} for each known channel and
 * {@code search.default} for any other channel: {@code SearchTask} -> {@code SearchOutcome}. Each
 * channel has its own {@link ChannelPool} sized by the task's {@code pool_size} (the job's
 * {@code max_parallel_searches}); other channels share the default pool of max(n/4, 2). Job
 * postings are ranked against the query by TF-IDF on a worker pool and the best kept. (Evidence is
 * de-duplicated per domain by the job's coordinator, which receives every search of a domain.) A
 * search that fails, or whose channel has no configured provider, replies {@code failed: true}:
 * the coordinator counts it, the bus call still succeeds. Each search is counted once in
 * {@code gtm_search_requests_total{channel,outcome}} and timed in {@code gtm_search_latency_seconds}
 * by its client; one refused for want of a provider is counted here with outcome {@code failure}.
 * A task received again while its first copy is in flight in this process joins that copy
 * ({@link InFlight}): no second provider call.
 * A graceful stop takes no new searches (the consumers are withdrawn from the cluster's routing,
 * which sends to the other search-workers) and answers those in flight, for at most
 * {@code SEARCH_WORKERS_STOP_GRACE_MS} (default {@value #DEFAULT_STOP_GRACE_MS}); the ranking pool closes after them.
 */
public final class SearchWorkersVerticle extends VerticleBase {
  public static final String SERVICE = "search-workers";
  public static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");
  /** The address of channels with no pool of their own. */
  public static final String DEFAULT_ADDRESS = Addresses.search(ChannelPool.DEFAULT);
  static final String JOBS_CHANNEL = "jobs_search";
  static final int MAX_POSTINGS = 5;
  static final int SNIPPET_CHARS = 500;
  /** Longest wait for the searches in flight when the service stops (kept under the engine's 25 s stop budget). */
  public static final long DEFAULT_STOP_GRACE_MS = 10_000;

  private Map<String, SearchClient> clients;
  private WorkerExecutor ranking;
  private WorkIntake intake;
  private long stopGraceMs;

  @Override
  public Future<?> start() {
    EngineConfig cfg = EngineConfig.fromJson(config());
    stopGraceMs = WorkIntake.graceMs(cfg, "SEARCH_WORKERS_STOP_GRACE_MS", DEFAULT_STOP_GRACE_MS);
    clients = SearchClients.create(vertx, cfg);
    for (String channel : CHANNELS) {
      // present at 0 from the start, so that dashboards and alerts read a rate, not an absent series
      for (String outcome : List.of(ProviderException.SUCCESS, ProviderException.FAILURE)) {
        Counter.builder(MetricNames.SEARCH_REQUESTS).tag(MetricNames.TAG_CHANNEL, channel)
            .tag(MetricNames.TAG_OUTCOME, outcome).register(Metrics.registry());
      }
    }
    ranking = vertx.createSharedWorkerExecutor("search-ranking", 2);
    intake = new WorkIntake(vertx, SERVICE);
    List<Future<?>> consumers = new ArrayList<>();
    for (String channel : CHANNELS) {
      consumers.add(intake.<JsonObject>consumer(Addresses.search(channel), this::handleSearch));
    }
    consumers.add(intake.<JsonObject>consumer(DEFAULT_ADDRESS, this::handleSearch));
    consumers.add(Ping.register(vertx, SERVICE));
    return Future.all(consumers);
  }

  @Override
  public Future<?> stop() {
    // the searches in flight are answered first: a ranking cut off by the pool's close would be a failed search
    Future<Void> drained = intake == null ? Future.succeededFuture() : intake.drain(stopGraceMs);
    return drained.compose(v -> ranking == null ? Future.succeededFuture() : ranking.close());
  }

  /** Completes once the search is answered. */
  private Future<Void> handleSearch(Message<JsonObject> msg) {
    SearchTask task;
    try {
      task = SearchTask.fromJson(msg.body() == null ? new JsonObject() : msg.body());
    } catch (ApiException e) {
      msg.fail(e.code().code(), e.getMessage());
      return Future.succeededFuture();
    }
    boolean own = CHANNELS.contains(task.channel());
    String poolName = own ? task.channel() : ChannelPool.DEFAULT;
    int limit = own ? task.poolSize() : ChannelPool.defaultLimit(task.poolSize());
    ChannelPool pool = ChannelPool.named(vertx, poolName, limit, Metrics.registry());
    SearchClient client = clients.get(task.channel());
    if (client == null) {
      Counter.builder(MetricNames.SEARCH_REQUESTS).tag(MetricNames.TAG_CHANNEL, task.channel())
          .tag(MetricNames.TAG_OUTCOME, ProviderException.FAILURE).register(Metrics.registry()).increment();
      msg.reply(SearchOutcome.failure("no provider configured for channel " + task.channel()).toJson());
      return Future.succeededFuture();
    }
    // a resend of a task still in flight here (its deadline passed while it waited for a rate limit)
    // joins the first copy: one provider call, both answered
    return InFlight.<SearchTask, List<Evidence>>named(vertx, SERVICE)
        .run(task, () -> pool.submit(vertx, limit, () -> client.search(task))
            .compose(found -> JOBS_CHANNEL.equals(task.channel()) ? rankPostings(task.query(), found) : Future.succeededFuture(found)))
        .onSuccess(evidence -> msg.reply(SearchOutcome.ok(evidence).toJson()))
        .onFailure(err -> msg.reply(SearchOutcome.failure(String.valueOf(err.getMessage())).toJson()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** The postings most similar to the query, snippets cut only after ranking on their full text. */
  private Future<List<Evidence>> rankPostings(String query, List<Evidence> postings) {
    if (postings.isEmpty()) {
      return Future.succeededFuture(postings);
    }
    return ranking.executeBlocking(() -> {
      List<String> docs = new ArrayList<>(postings.size());
      postings.forEach(p -> docs.add(p.title() + "\n" + p.snippet()));
      List<Evidence> top = new ArrayList<>();
      for (TfIdfRanker.Match m : TfIdfRanker.rank(query, docs, MAX_POSTINGS)) {
        Evidence p = postings.get(m.index());
        top.add(new Evidence(p.url(), p.title(), TfIdfRanker.truncate(p.snippet(), SNIPPET_CHARS), p.sourceName(), p.channel()));
      }
      return top;
    }, false);
  }
}
