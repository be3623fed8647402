package io.gtm.search.client;

import io.gtm.common.model.SearchTask;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.resilience.ProviderSettings;
import io.gtm.common.resilience.TestProviders;
import io.gtm.simulator.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * bench/ratelimit: E engines (each its own Vert.x, Tavily client and Redis-backed limiter of R
 * per minute) keep C searches each in flight for D seconds against a simulator that allows R
 * per sliding minute. Reports the accepted requests as a fraction of R x D / 60, the 429s and the
 * most requests the simulator saw in any 60 s window. Parameters: BENCH_RPM, BENCH_SECONDS,
 * BENCH_ENGINES, BENCH_CONCURRENCY, BENCH_PAD_MS (environment).
 */
@Tag("slow")
class RateLimitBenchmark {

  private static int env(String key, int fallback) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
  }

  @Test
  void rateLimitUtilisationAnd429s() throws Exception {
    int rpm = env("BENCH_RPM", 600);
    int seconds = env("BENCH_SECONDS", 120);
    int engines = env("BENCH_ENGINES", 2);
    int concurrency = env("BENCH_CONCURRENCY", 32);
    int pad = env("BENCH_PAD_MS", (int) ProviderSettings.DEFAULT_WINDOW_PAD_MS);
    Vertx simVertx = Vertx.vertx();
    Simulator sim = Simulator.start(simVertx, 0).await(10, TimeUnit.SECONDS);
    sim.configure("tavily", new JsonObject().put("rpm", rpm).put("latency_median_ms", 40).put("latency_p99_ms", 200));
    String prefix = "bench:" + UUID.randomUUID() + ":";
    ProviderSettings s = TestProviders.settings("tavily").withLimits(rpm, 0, 60_000).withWindowPad(pad)
        .withRedis(TestProviders.REDIS, prefix).withConcurrency(concurrency);
    List<Vertx> vertxes = new ArrayList<>();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.currentTimeMillis();
    long end = start + seconds * 1000L;
    List<Future<Void>> loops = new ArrayList<>();
    for (int e = 0; e < engines; e++) {
      Vertx v = Vertx.vertx();
      vertxes.add(v);
      TavilyClient client = new TavilyClient(new ProviderGate(v, s), sim.baseUrl(), "tvly-bench-" + e);
      for (int c = 0; c < concurrency; c++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        v.runOnContext(x -> loop(client, end, ok, failed, done));
      }
    }
    Future.all(loops).await(seconds + 120L, TimeUnit.SECONDS);
    long elapsed = System.currentTimeMillis() - start;
    JsonObject stats = sim.stats("tavily");
    long accepted = ok.get();
    long limited = stats.getLong("rate_limited");
    double bound = rpm * (seconds / 60.0);
    JsonObject result = new JsonObject().put("rpm", rpm).put("seconds", seconds).put("engines", engines)
        .put("concurrency_per_engine", concurrency).put("window_pad_ms", pad).put("elapsed_ms", elapsed)
        .put("accepted", accepted).put("bound", bound).put("fraction_of_limit", accepted / bound)
        .put("requests_total", stats.getLong("requests_total")).put("rate_limited_429", limited)
        .put("rate_limited_fraction", limited / (double) Math.max(1, stats.getLong("requests_total")))
        .put("max_window_requests", stats.getLong("max_window_requests"))
        .put("accepted_after_end", stats.getJsonObject("by_status").getLong("200", 0L) - ok.get())
        .put("client_failed", failed.get());
    System.out.println("RATELIMIT_BENCH " + result.encode());
    Path out = Path.of(System.getProperty("user.dir")).resolve("target/bench-ratelimit.json");
    Files.writeString(out, result.encodePrettily());
    for (Vertx v : vertxes) {
      v.close().await(10, TimeUnit.SECONDS);
    }
    simVertx.close().await(10, TimeUnit.SECONDS);
  }

  private static void loop(TavilyClient client, long end, AtomicLong ok, AtomicLong failed, Promise<Void> done) {
    if (System.currentTimeMillis() >= end) {
      done.complete();
      return;
    }
    client.search(new SearchTask("bench", "acme.com", "Acme", "google_search", "acme.com", "quick", 10))
        .onComplete(ar -> {
          if (System.currentTimeMillis() <= end) { // count what completed within the run
            (ar.succeeded() ? ok : failed).incrementAndGet();
          }
          loop(client, end, ok, failed, done);
        });
  }
}
