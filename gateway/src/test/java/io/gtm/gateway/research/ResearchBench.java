package io.gtm.gateway.research;

import io.gtm.common.model.Strategy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The research benchmark (bench/research/README.md). One batch through the whole pipeline
 * against the simulator; prints makespan, queries/s, the bound and their ratio, and the peak heap.
 * Parameters (system properties): bench.domains (1000), bench.latency (40 ms), bench.parallel (30).
 */
@Tag("bench")
class ResearchBench {

  @Test
  void research() throws Exception {
    int domains = Integer.getInteger("bench.domains", 1000);
    int latency = Integer.getInteger("bench.latency", 40);
    int parallel = Integer.getInteger("bench.parallel", 30);
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> env = new HashMap<>();
      env.put("TAVILY_RPM", "0");
      env.put("NEWSAPI_RPM", "0");
      env.put("GREENHOUSE_RPM", "0");
      env.put("LLM_RPM", "0");
      env.put("MAX_PARALLEL_SEARCHES", String.valueOf(Math.min(parallel, 200)));
      ResearchStack stack = ResearchStack.start(vertx, env).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      for (String p : new String[] {"tavily", "newsapi", "greenhouse"}) {
        stack.simulator.configure(p, new JsonObject().put("latency_median_ms", latency).put("latency_p99_ms", latency).put("rpm", 0));
      }
      JsonArray list = new JsonArray();
      for (int i = 0; i < domains; i++) {
        list.add("benchco" + i + ".com");
      }
      JsonObject body = new JsonObject().put("research_goal", "fintech companies using Kubernetes")
          .put("company_domains", list).put("search_depth", "quick").put("max_parallel_searches", parallel)
          .put("confidence_threshold", 0.6);
      AtomicLong peak = new AtomicLong();
      long sampler = vertx.setPeriodic(100, t -> peak.accumulateAndGet(heapUsed(), Math::max));
      HttpClient http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1));
      long t0 = System.nanoTime();
      String response = http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(stack.port())
              .setURI("/api/research/batch").setIdleTimeout(0))
          .compose(req -> req.putHeader("Content-Type", "application/json").send(Buffer.buffer(body.encode())))
          .compose(res -> {
            // the body is consumed as it arrives (the results of 100,000 domains would not fit this heap)
            StringBuilder head = new StringBuilder();
            StringBuilder tail = new StringBuilder();
            long[] results = {0};
            io.vertx.core.Promise<String> whole = io.vertx.core.Promise.promise();
            res.handler(buf -> {
              String s = buf.toString();
              if (head.length() < 4096) {
                head.append(s, 0, Math.min(s.length(), 4096));
              }
              tail.append(s);
              if (tail.length() > 8192) {
                tail.delete(0, tail.length() - 4096);
              }
              int i = -1;
              while ((i = s.indexOf("\"evidence_sources\"", i + 1)) >= 0) {
                results[0]++;
              }
            });
            res.endHandler(v -> whole.complete(head + "\n" + tail + "\n" + results[0]));
            return whole.future();
          })
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      double makespan = (System.nanoTime() - t0) / 1e9;
      vertx.cancelTimer(sampler);
      String[] parts = response.split("\n");
      String head = parts[0];
      String tail = parts[1];
      long resultCount = Long.parseLong(parts[2]);
      int strategies = Integer.parseInt(field(head, "search_strategies_generated"));
      long searches = Long.parseLong(field(head, "total_searches_executed"));
      String failed = field(tail, "failed_requests");
      // bound: the busiest channel's searches x latency / pool (no rate limits in this run)
      Map<String, Integer> perChannel = new HashMap<>();
      for (Strategy s : io.gtm.common.llm.offline.StrategyTemplates.generate(body.getString("research_goal"), "quick", 6,
          io.gtm.common.llm.offline.StrategyTemplates.CHANNELS)) {
        perChannel.merge(s.channel(), 1, Integer::sum);
      }
      int busiest = perChannel.values().stream().mapToInt(Integer::intValue).max().orElse(strategies);
      double bound = (double) domains * busiest * latency / 1000.0 / parallel;
      System.out.printf("BENCH research domains=%d strategies=%d searches=%d failed=%s makespan=%.2fs qps=%.1f "
              + "bound=%.2fs (busiest channel %d searches/domain) ratio=%.3f peak_heap=%dMB results=%d%n",
          domains, strategies, searches, failed, makespan, searches / makespan, bound, busiest, makespan / bound,
          peak.get() >> 20, resultCount);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static String field(String json, String name) {
    int i = json.indexOf("\"" + name + "\":");
    int start = i + name.length() + 3;
    int end = start;
    while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '.')) {
      end++;
    }
    return json.substring(start, end);
  }

  private static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }
}
