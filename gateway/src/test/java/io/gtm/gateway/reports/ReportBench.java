package io.gtm.gateway.reports;

import io.gtm.gateway.research.ResearchStack;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Wall time of a report's core and of its sections, sections at limit 1 (sequential) and 4, with
 * the simulator's LLM at a fixed latency L. Prints one line per run for docs/BENCHMARKS.md:
 * {@code mvn -B -o -pl gateway -am test -Pslow -Dtest=ReportBench -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("slow")
class ReportBench {
  private static io.vertx.core.http.HttpClient client;
  static final long L = 500;

  @Test
  void coreAndSectionsWallTime() throws Exception {
    for (int limit : new int[] {1, 2, 4, 7}) {
      Vertx vertx = Vertx.vertx();
      try {
        ResearchStack stack = ResearchStack.start(vertx, "openai", 3, Map.of(
            "REPORT_SECTION_CONCURRENCY", String.valueOf(limit))).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        stack.simulator.configure("openai", new JsonObject().put("latency_median_ms", L).put("latency_p99_ms", L));
        long[] marks = run(vertx, stack);
        System.out.printf("REPORT-BENCH limit=%d L=%dms core=%dms sections=%dms bound=ceil(7/%d)*L=%dms ratio=%.2f%n",
            limit, L, marks[1] - marks[0], marks[2] - marks[1], limit, (long) Math.ceil(7.0 / limit) * L,
            (marks[2] - marks[1]) / (double) ((long) Math.ceil(7.0 / limit) * L));
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** {first core step started ~ report accepted + evidence, last core step ready, report complete} in ms. */
  private static long[] run(Vertx vertx, ResearchStack stack) throws Exception {
    Promise<long[]> done = Promise.promise();
    long[] marks = new long[3];
    // a local would let Vert.x close the client (unreachable) while the report streams
    client = vertx.createHttpClient();
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(stack.port())
            .setHost("127.0.0.1").setURI("/api/reports"))
        .compose(req -> req.putHeader("Content-Type", "application/json").send(Buffer.buffer(new JsonObject()
            .put("domain", "northwind-analytics.com").put("research_goal", "Kubernetes adopters").put("search_depth", "quick")
            .encode())))
        .compose(res -> res.body())
        .onSuccess(body -> {
          String id = new JsonObject(body.toString()).getString("report_id");
          vertx.eventBus().<JsonObject>consumer(io.gtm.common.Addresses.jobEvents(id), m -> {
            JsonObject e = m.body();
            long now = System.currentTimeMillis();
            switch (e.getString("type")) {
              case "core_step_ready" -> {
                if ("profile".equals(e.getString("name"))) {
                  marks[0] = now - L; // the profile call started one latency earlier
                } else if ("recommendations".equals(e.getString("name"))) {
                  marks[1] = now;
                }
              }
              case "report_complete" -> {
                marks[2] = now;
                done.tryComplete(marks);
              }
              default -> { }
            }
          });
        })
        .onFailure(done::tryFail);
    return done.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
