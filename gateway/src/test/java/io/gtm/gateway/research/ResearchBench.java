package io.gtm.gateway.research;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.search.ChannelPool;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The research benchmark (bench/research/README.md): one batch through the whole pipeline in one
 * JVM against the simulator (real search clients, offline LLM), no provider rate limits. Prints
 * one {@code BENCH research ...} line: makespan, queries/s, the bound and makespan / bound, peak
 * heap and live heap after GC. Runs only when {@code -Dbench.domains=N} is given. Parameters:
 * bench.domains, bench.latency (median ms, 40), bench.p99 (ms, median + 10 %), bench.parallel (30),
 * bench.gc_every_s (live-heap sample period, 5), bench.via ({@code batch}: one streamed batch
 * response; {@code jobs}: POST /api/research/jobs, then the results paged back).
 */
@EnabledIfSystemProperty(named = "bench.domains", matches = "\\d+")
class ResearchBench {
  static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");
  static final String KEY = "\"evidence_sources\"";
  static final int PAGE = 2000;

  @Test
  void research() throws Exception {
    int domains = Integer.getInteger("bench.domains", 1000);
    int latency = Integer.getInteger("bench.latency", 40);
    int p99 = Integer.getInteger("bench.p99", (int) Math.round(latency * 1.1));
    int parallel = Integer.getInteger("bench.parallel", 30);
    long gcEveryMs = Integer.getInteger("bench.gc_every_s", 5) * 1000L;
    Vertx vertx = Vertx.vertx();
    try {
      ResearchStack stack = ResearchStack.start(vertx, "offline", latency, Map.of("DB_BATCH_MS", "100"))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      for (String p : List.of("tavily", "newsapi", "greenhouse")) {
        stack.simulator.configure(p, new JsonObject().put("latency_median_ms", latency).put("latency_p99_ms", p99));
      }
      JsonArray list = new JsonArray();
      for (int i = 0; i < domains; i++) {
        list.add("benchco" + i + ".com");
      }
      JsonObject body = new JsonObject().put("research_goal", "fintech companies using Kubernetes")
          .put("company_domains", list).put("search_depth", "quick").put("max_parallel_searches", parallel)
          .put("confidence_threshold", 0.6);
      // the request body is sent once and not kept: the benchmark's own copy would count as heap
      AtomicReference<Buffer> encoded = new AtomicReference<>(body.toBuffer());
      list = null;
      body = null;
      double[] serviceBefore = new double[CHANNELS.size()];
      for (int c = 0; c < CHANNELS.size(); c++) {
        serviceBefore[c] = latencyTimer(CHANNELS.get(c)).totalTime(TimeUnit.SECONDS);
      }
      ChannelPool[] pools = new ChannelPool[CHANNELS.size()];
      double[] busyBefore = new double[CHANNELS.size()];
      for (int c = 0; c < CHANNELS.size(); c++) {
        pools[c] = ChannelPool.named(vertx, CHANNELS.get(c), parallel, Metrics.registry());
        busyBefore[c] = pools[c].busySeconds();
      }
      long[] poolSamples = new long[3]; // samples while searching, of them with a free slot, waiting tasks summed
      long liveBefore = usedAfterGc();
      HttpClient http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1));
      long[] counts = new long[2]; // results seen, bytes
      String[] carry = {""};
      StringBuilder head = new StringBuilder();
      StringBuilder tail = new StringBuilder();
      Promise<Void> whole = Promise.promise();
      long t0 = System.nanoTime();
      long cpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
      boolean viaJobs = "jobs".equals(System.getProperty("bench.via"));
      if (viaJobs) {
        // POST /api/research/jobs, then the results read back a page at a time once the job is done
        int port = stack.port();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/api/research/jobs"))
            .compose(req -> req.putHeader("Content-Type", "application/json").send(encoded.getAndSet(null)))
            .compose(res -> res.body())
            .onSuccess(created -> {
              String id = new JsonObject(created).getString("research_id");
              ResearchJob running = ResearchJob.RUNNING.get(id);
              (running == null ? io.vertx.core.Future.<JsonObject>succeededFuture() : running.done())
                  .onComplete(ar -> readPages(http, port, id, 0, counts, whole));
            })
            .onFailure(whole::tryFail);
      }
      (viaJobs ? io.vertx.core.Future.<io.vertx.core.http.HttpClientRequest>failedFuture("via jobs") : http.request(
          new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(stack.port())
              .setURI("/api/research/batch").setIdleTimeout(0)))
          .compose(req -> req.putHeader("Content-Type", "application/json").send(encoded.getAndSet(null)))
          .onSuccess(res -> {
            // consumed as it arrives: the results of 100,000 domains are not kept
            res.handler(buf -> {
              String s = buf.toString();
              counts[1] += buf.length();
              if (head.length() < 2048) {
                head.append(s, 0, Math.min(s.length(), 2048));
              }
              tail.append(s);
              if (tail.length() > 8192) {
                tail.delete(0, tail.length() - 4096);
              }
              counts[0] += countResults(s, carry);
            });
            res.endHandler(v -> whole.tryComplete());
            res.exceptionHandler(whole::tryFail);
          })
          .onFailure(err -> {
            if (!viaJobs) {
              whole.tryFail(err);
            }
          });
      ResearchJob job = null;
      long peakUsed = 0;
      // live heap after GC while the job runs, and while its results are read back (a page of
      // results in flight on both ends of the connection), kept apart: the first is the engine's
      // state, the second scales with the page size
      long peakLive = 0;
      long peakLiveReading = 0;
      StringBuilder liveTrace = new StringBuilder();
      int peakOpen = 0;
      long nextGc = System.currentTimeMillis() + gcEveryMs;
      while (!whole.future().isComplete()) {
        if (job == null) {
          job = ResearchJob.RUNNING.values().stream().findFirst().orElse(null);
        } else {
          peakOpen = Math.max(peakOpen, job.openDomains());
          if (job.openDomains() > 0 && !job.done().isComplete()) {
            for (ChannelPool pool : pools) {
              poolSamples[0]++;
              poolSamples[1] += pool.inFlight() < pool.limit() ? 1 : 0;
              poolSamples[2] += pool.waiting();
            }
          }
        }
        peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        if (System.currentTimeMillis() >= nextGc) {
          boolean reading = job != null && job.done().isComplete();
          int completed = job == null ? 0 : job.statusJson().getInteger("completed_companies");
          long live = usedAfterGc();
          if (reading) {
            peakLiveReading = Math.max(peakLiveReading, live);
          } else {
            peakLive = Math.max(peakLive, live);
          }
          liveTrace.append(String.format(" %s%d:%dMB", reading ? "read@" : "", reading ? counts[0] : completed, live >> 20));
          nextGc = System.currentTimeMillis() + gcEveryMs;
        }
        Thread.sleep(20);
      }
      whole.future().toCompletionStage().toCompletableFuture().get();
      java.lang.ref.Reference.reachabilityFence(http); // Vert.x closes a client the collector finds unreachable (this bench collects)
      double wall = (System.nanoTime() - t0) / 1e9;
      if (job == null) {
        throw new IllegalStateException("the job was not seen running");
      }
      JsonObject summary = job.summary();
      JsonObject stages = job.stageSeconds();
      double makespan = summary.getLong("processing_time_ms") / 1000.0;
      long searches = summary.getLong("total_searches_executed");
      // bound: the busiest channel's measured service time over its pool (no rate limits here),
      // plus the strategies call and the last domain's analysis
      double busiest = 0;
      StringBuilder perChannel = new StringBuilder();
      StringBuilder slots = new StringBuilder();
      for (int c = 0; c < CHANNELS.size(); c++) {
        Timer t = latencyTimer(CHANNELS.get(c));
        double service = t.totalTime(TimeUnit.SECONDS) - serviceBefore[c];
        busiest = Math.max(busiest, service / parallel);
        perChannel.append(String.format(" %s=%.2fs", CHANNELS.get(c), service / parallel));
        slots.append(String.format(" %s=%.2fs", CHANNELS.get(c), (pools[c].busySeconds() - busyBefore[c]) / parallel));
      }
      double bound = busiest + stages.getDouble("strategies") + stages.getDouble("last_analysis");
      System.out.printf("BENCH research domains=%d strategies=%d searches=%d failed=%d latency=%d/%dms parallel=%d "
              + "makespan=%.3fs wall=%.3fs qps=%.1f bound=%.3fs (service/pool:%s; strategies=%.3fs last_analysis=%.3fs) "
              + "ratio=%.3f after_last_search=%.3fs peak_open_domains=%d peak_heap=%dMB live_heap_before=%dMB "
              + "peak_live_heap=%dMB peak_live_heap_reading=%dMB results=%d response=%dMB%n",
          domains, summary.getInteger("search_strategies_generated"), searches,
          summary.getJsonObject("search_performance").getLong("failed_requests"), latency, p99, parallel,
          makespan, wall, searches / makespan, bound, perChannel, stages.getDouble("strategies"),
          stages.getDouble("last_analysis"), makespan / bound, stages.getDouble("after_last_search"), peakOpen,
          peakUsed >> 20, liveBefore >> 20, peakLive >> 20, peakLiveReading >> 20, counts[0], counts[1] >> 20);
      // slot time: from a pool slot's handover to its release (service time + starting the call on
      // the event loop); a slot free while the job searches is idle capacity
      System.out.printf("BENCH pools slot_time/pool:%s; samples with a free slot %.1f%%, waiting tasks %.1f on average "
              + "(load average %.1f)%n", slots, 100.0 * poolSamples[1] / Math.max(1, poolSamples[0]),
          (double) poolSamples[2] / Math.max(1, poolSamples[0]),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      // this JVM's CPU time (simulator, engine and benchmark together): the work done, whatever the
      // other processes on the machine leave to it
      double cpu = (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("BENCH cpu=%.1fs (%.2f ms per search), %.2f of this machine's %d cores on average%n", cpu,
          cpu * 1000 / Math.max(1, summary.getLong("total_searches_executed")), cpu / wall,
          Runtime.getRuntime().availableProcessors());
      System.out.printf("BENCH live heap after GC (domains completed:MB, read@results read:MB):%s%n", liveTrace);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** Reads the job's results {@link #PAGE} at a time, counting them and their bytes as they arrive. */
  private static void readPages(HttpClient http, int port, String id, int offset, long[] counts, Promise<Void> whole) {
    long[] page = {0};
    String[] carry = {""};
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
            .setURI("/api/research/jobs/" + id + "?offset=" + offset + "&limit=" + PAGE))
        .compose(req -> req.send())
        .compose(res -> {
          if (res.statusCode() != 200) {
            return io.vertx.core.Future.failedFuture("page at " + offset + ": HTTP " + res.statusCode());
          }
          res.handler(buf -> {
            counts[1] += buf.length();
            page[0] += countResults(buf.toString(), carry);
          });
          return res.end();
        })
        .onSuccess(v -> {
          counts[0] += page[0];
          if (page[0] < PAGE) {
            whole.tryComplete();
          } else {
            readPages(http, port, id, offset + (int) page[0], counts, whole);
          }
        })
        .onFailure(whole::tryFail);
  }

  /** Results in one piece of a response: one {@code "evidence_sources"} each; a key split between pieces is joined by the carry. */
  private static long countResults(String s, String[] carry) {
    String scan = carry[0] + s;
    long n = 0;
    for (int i = scan.indexOf(KEY); i >= 0; i = scan.indexOf(KEY, i + 1)) {
      n++;
    }
    carry[0] = scan.substring(Math.max(0, scan.length() - (KEY.length() - 1)));
    return n;
  }

  private static Timer latencyTimer(String channel) {
    return Timer.builder(MetricNames.SEARCH_LATENCY).tag(MetricNames.TAG_CHANNEL, channel).register(Metrics.registry());
  }

  private static long usedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
