package io.gtm.gateway.research;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.gateway.http.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Research jobs are coordinated on every event loop but the one serving HTTP, and answer back there. */
class JobContextsTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void jobsRunOnEveryOtherLoopAndCompleteOnTheCallersContext() throws Exception {
    // a context standing for the gateway's: its loop serves HTTP
    Context http = EventLoops.contexts(vertx).await(10, TimeUnit.SECONDS).values().iterator().next();
    Thread httpLoop = EventLoops.onContext(vertx, http, () -> Future.succeededFuture(Thread.currentThread()))
        .await(10, TimeUnit.SECONDS);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    http.runOnContext(v -> JobContexts.create(vertx, http).onSuccess(jobs -> {
      Set<Thread> jobLoops = new HashSet<>();
      Future<Void> chain = Future.succeededFuture();
      boolean[] answeredOnCaller = {true};
      for (int i = 0; i < 2 * jobs.size(); i++) {
        chain = chain.compose(x -> jobs.call(() -> Future.succeededFuture(Thread.currentThread())).map(t -> {
          answeredOnCaller[0] &= Vertx.currentContext() == http;
          jobLoops.add(t);
          return null;
        }));
      }
      chain.onComplete(ar -> seen.complete(List.of(jobs.size(), jobLoops, answeredOnCaller[0])));
    }).onFailure(seen::completeExceptionally));
    List<Object> r = seen.get(10, TimeUnit.SECONDS);
    int size = (Integer) r.get(0);
    @SuppressWarnings("unchecked")
    Set<Thread> jobLoops = (Set<Thread>) r.get(1);
    // the default pool has 2 loops per core, at least 2: every one but HTTP's takes jobs, in turn
    assertThat(size).isEqualTo(io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE - 1);
    assertThat(jobLoops).hasSize(size).doesNotContain(httpLoop);
    assertThat(jobLoops).allSatisfy(t -> assertThat(t.getName()).startsWith("vert.x-eventloop-thread-"));
    assertThat((Boolean) r.get(2)).as("every answer completes on the calling context").isTrue();
  }
}
