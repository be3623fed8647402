package io.gtm.gateway.research;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.cluster.Cluster;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.events.JobEventLog;
import io.gtm.common.model.DbWrite;
import io.gtm.gateway.research.internal.ResearchRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps research jobs alive across gateways. This gateway (its {@link #node() node}) renews the
 * claim of every job it coordinates every {@code RESEARCH_OWNER_RENEW_MS}; a job whose claim it
 * lost (another gateway took it over, or it was cancelled elsewhere) stops here. Every
 * {@code RESEARCH_TAKEOVER_SCAN_MS} it looks for runs of its cluster ({@code CLUSTER_NAME}) still in
 * work whose owner has not renewed for {@code RESEARCH_OWNER_STALE_MS} (killed) or handed them back
 * (stopped), started within {@code RESEARCH_TAKEOVER_HORIZON_MS}, claims them (one conditional
 * update: one gateway wins) and resumes them. On stop it hands its jobs back.
 */
final class ResearchTakeover {
  private static final Logger log = LoggerFactory.getLogger(ResearchTakeover.class);
  private static final Set<String> IN_WORK = Set.of("queued", "running");
  private static final int PAGE = 10_000;

  private final Vertx vertx;
  private final EngineConfig config;
  private final String node;
  private final String scope;
  private final long renewMs;
  private final long staleMs;
  private final long scanMs;
  private final long horizonMs;
  private final JobContexts jobs;
  private final List<Long> timers = new ArrayList<>();
  private boolean scanning;
  private volatile boolean stopping;

  /** @param jobs where a job taken over runs (its timers and replies stay off the HTTP event loop) */
  ResearchTakeover(Vertx vertx, EngineConfig config, JobContexts jobs) {
    this.vertx = vertx;
    this.config = config;
    this.jobs = jobs;
    String clusterNode = Cluster.nodeId(vertx);
    this.node = ("local".equals(clusterNode) ? ManagementFactory.getRuntimeMXBean().getName() : clusterNode)
        + "/" + UUID.randomUUID().toString().substring(0, 8);
    this.scope = config.get("CLUSTER_NAME", "gtm");
    this.renewMs = config.getInt("RESEARCH_OWNER_RENEW_MS");
    this.staleMs = config.getInt("RESEARCH_OWNER_STALE_MS");
    this.scanMs = config.getInt("RESEARCH_TAKEOVER_SCAN_MS");
    this.horizonMs = config.getInt("RESEARCH_TAKEOVER_HORIZON_MS");
  }

  /** This coordinator's id, stored as the owner_node of the runs it coordinates. */
  String node() {
    return node;
  }

  void start() {
    timers.add(vertx.setPeriodic(renewMs, t -> renew()));
    timers.add(vertx.setPeriodic(scanMs, t -> scan()));
    scan();
  }

  /** Hands every job coordinated here back (another gateway takes them over at once). */
  Future<Void> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    List<Future<Void>> released = new ArrayList<>();
    for (ResearchJob job : mine()) {
      released.add(job.release("the gateway is stopping", true));
    }
    return Future.join(released).mapEmpty();
  }

  private List<ResearchJob> mine() {
    List<ResearchJob> out = new ArrayList<>();
    for (ResearchJob job : ResearchJob.RUNNING.values()) {
      if (node.equals(job.node())) {
        out.add(job);
      }
    }
    return out;
  }

  /** Renews the claim of each job run here; one this node no longer owns stops. */
  private void renew() {
    for (ResearchJob job : mine()) {
      claim(job.id())
          .compose(row -> row != null ? Future.succeededFuture(true) : stillOwned(job.id()))
          .onSuccess(owned -> {
            if (!owned) {
              job.release("no longer owned here (cancelled, finished or taken over)", false);
            }
          })
          // no answer (PostgreSQL restarting): keep going, the next renewal tells
          .onFailure(err -> log.debug("renewing research job {} failed: {}", job.id(), err.getMessage()));
    }
  }

  /** The claimed row, or null when another live owner has it (or it is not in work). */
  private Future<JsonObject> claim(String id) {
    return query(DbQueries.RESEARCH_RUN_CLAIM, new JsonObject().put("id", id).put("node", node).put("stale_ms", staleMs))
        .map(rows -> rows.isEmpty() ? null : rows.getJsonObject(0));
  }

  // the claim skips a row locked by a write in progress: read it to tell; a row not stored yet is still ours
  private Future<Boolean> stillOwned(String id) {
    return query(DbQueries.RESEARCH_RUN, new JsonObject().put("id", id)).map(rows -> {
      if (rows.isEmpty()) {
        return true;
      }
      JsonObject row = rows.getJsonObject(0);
      return IN_WORK.contains(row.getString("status")) && node.equals(row.getString("owner_node"));
    });
  }

  /** Claims and resumes the runs of this cluster nobody alive coordinates. */
  private void scan() {
    if (scanning || stopping) {
      return;
    }
    scanning = true;
    query(DbQueries.RESEARCH_RUNS_CLAIMABLE, new JsonObject().put("scope", scope).put("node", node)
            .put("stale_ms", staleMs).put("horizon_ms", horizonMs))
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (Object o : rows) {
            String id = ((JsonObject) o).getString("id");
            chain = chain.compose(v -> stopping || ResearchJob.RUNNING.containsKey(id) ? Future.succeededFuture()
                : takeOver(id).otherwise(err -> {
                  log.warn("taking research job {} over failed: {}", id, err.getMessage());
                  return null;
                }));
          }
          return chain;
        })
        .onFailure(err -> log.debug("research takeover scan failed: {}", err.getMessage()))
        .onComplete(ar -> scanning = false);
  }

  private Future<Void> takeOver(String id) {
    return claim(id).compose(row -> {
      if (row == null || stopping || ResearchJob.RUNNING.containsKey(id)) {
        return Future.succeededFuture();
      }
      String domains = row.getString("domains");
      JsonObject request = row.getJsonObject("request");
      if (domains == null || request == null) {
        // a run stored before runs carried their domains: it cannot go on
        log.warn("research job {} cannot be taken over: its domains were not stored", id);
        return write(new JsonObject().put("id", id).put("status", "failed").put("finished_at", System.currentTimeMillis()));
      }
      ResearchRequest req = ResearchRequest.stored(request, domains);
      String owner = row.getString("owner_key");
      return storedResults(id, 0, new HashMap<>())
          .compose(stored -> lastEventSeq(id).compose(seq -> jobs.call(() -> JobEventLog.open(vertx, id, owner, seq)
              .map(events -> {
                if (stopping || ResearchJob.RUNNING.containsKey(id)) {
                  events.close();
                  return null;
                }
                new ResearchJob(vertx, config, id, req, owner, events, node).resume(row, stored);
                return null;
              }))));
    });
  }

  /** Domain -> confidence of every result the run has stored. */
  private Future<Map<String, Double>> storedResults(String id, int offset, Map<String, Double> into) {
    return query(DbQueries.COMPANY_RESULTS_DOMAINS, new JsonObject().put("run_id", id).put("offset", offset).put("limit", PAGE))
        .compose(rows -> {
          for (Object o : rows) {
            JsonObject r = (JsonObject) o;
            Double confidence = r.getDouble("confidence_score");
            into.put(r.getString("domain"), confidence == null ? 0.0 : confidence);
          }
          return rows.size() < PAGE ? Future.succeededFuture(into) : storedResults(id, offset + PAGE, into);
        });
  }

  private Future<Long> lastEventSeq(String id) {
    return query(DbQueries.JOB_EVENTS_LAST_SEQ, new JsonObject().put("job_id", id)).map(rows -> {
      Long seq = rows.isEmpty() ? null : rows.getJsonObject(0).getLong("seq");
      return seq == null ? 0L : seq;
    });
  }

  private Future<JsonArray> query(String name, JsonObject params) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", name).put("params", params),
            new DeliveryOptions().setSendTimeout(ResearchJob.WRITE_DEADLINE_MS))
        .map(m -> m.body().getJsonArray("rows", new JsonArray()));
  }

  private Future<Void> write(JsonObject row) {
    return vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("research_runs", List.of(row)).toJson(),
        new DeliveryOptions().setSendTimeout(ResearchJob.WRITE_DEADLINE_MS)).mapEmpty();
  }
}
