package io.gtm.gateway.research;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A batch of 2,000 domains completes with the heap bounded: the job holds the evidence of a bounded
 * number of open domains, and the response's results are read from storage as they are written.
 */
class ResearchMemoryTest {
  static final int DOMAINS = 2_000;
  static final long MAX_GROWTH_BYTES = 150L << 20;

  @Test
  void twoThousandDomainsCompleteWithTheHeapAndTheOpenDomainsBounded() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ResearchStack stack = ResearchStack.start(vertx, "offline", 1, Map.of()).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      List<String> domains = IntStream.range(0, DOMAINS).mapToObj(i -> "memco" + i + ".com").toList();
      JsonObject body = ResearchHttp.body(domains, "quick").put("max_parallel_searches", 30);
      long before = usedAfterGc();
      HttpClient client = vertx.createHttpClient(io.gtm.gateway.reports.TestHttpClients.OPTIONS);
      String[] transfer = new String[1];
      Future<Buffer> response = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(stack.port()).setURI("/api/research/batch"))
          .compose(req -> req.putHeader("Content-Type", "application/json").send(body.encode()))
          .compose(res -> {
            transfer[0] = res.getHeader("Transfer-Encoding");
            return res.body();
          });
      long peakGrowth = 0;
      int peakOpen = 0;
      int maxOpenAllowed = 0;
      long nextGc = 0;
      while (!response.isComplete()) {
        ResearchJob job = ResearchJob.RUNNING.values().stream().findFirst().orElse(null);
        if (job != null) {
          peakOpen = Math.max(peakOpen, job.openDomains());
          maxOpenAllowed = Math.max(maxOpenAllowed, job.maxOpenDomains());
        }
        if (System.currentTimeMillis() >= nextGc) {
          peakGrowth = Math.max(peakGrowth, usedAfterGc() - before);
          nextGc = System.currentTimeMillis() + 500;
        }
        Thread.sleep(5);
      }
      JsonObject result = new JsonObject(response.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
      // the client stays reachable up to here: Vert.x closes a client the garbage collector finds
      // unreachable, and this loop collects on purpose
      java.lang.ref.Reference.reachabilityFence(client);
      assertThat(result.getJsonArray("results")).hasSize(DOMAINS);
      assertThat(result.getLong("total_searches_executed")).isEqualTo(DOMAINS * (long) result.getInteger("search_strategies_generated"));
      assertThat(transfer[0]).as("results streamed from storage").isEqualTo("chunked");
      // the bound comes from the pools (4 x the channels' windows), not from the batch size
      assertThat(maxOpenAllowed).isPositive().isLessThan(DOMAINS / 3);
      assertThat(peakOpen).as("open domains").isPositive().isLessThanOrEqualTo(maxOpenAllowed);
      assertThat(peakGrowth).as("heap growth after GC during the run, bytes").isLessThan(MAX_GROWTH_BYTES);
      System.out.printf("memory: 2000 domains, peak open domains %d (bound %d), peak live heap growth %d MB%n",
          peakOpen, maxOpenAllowed, peakGrowth >> 20);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static long usedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
