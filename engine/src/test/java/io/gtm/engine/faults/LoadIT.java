package io.gtm.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.engine.EngineProcess;
import io.gtm.simulator.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9, load: 20 research jobs of 50 domains and 5 documents at once on one {@code all} engine
 * process (-Xmx256m) against the simulator, 200 WebSocket subscribers spread over the 25 jobs,
 * {@code /health/live} polled every 50 ms throughout: every job finishes, every subscriber sees
 * its job's last event, the liveness p99 stays under 100 ms and the heap stays bounded.
 */
@Tag("slow")
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadIT {
  static final int RESEARCH_JOBS = 20;
  static final int DOMAINS = 50;
  static final int DOCUMENTS = 5;
  static final int SUBSCRIBERS = 200;
  private Vertx vertx;
  private Simulator sim;
  /** A Vert.x of its own with one idle HTTP server, polled alongside the engine: what the machine alone costs. */
  private Vertx controlVertx;
  /** Held for the test's life: Vert.x closes a client nothing refers to, even mid-handshake. */
  private WebSocketClient wsClient;
  private int controlPort;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = Simulator.start(vertx, 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    controlVertx = Vertx.vertx();
    controlPort = controlVertx.createHttpServer().requestHandler(req -> req.response().end("{\"status\":\"UP\"}"))
        .listen(0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
  }

  @AfterAll
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {vertx, controlVertx}) {
      if (v != null) {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twentyBatchesAndFiveBooksAtOnceFinishWithLivenessUnder100msAndBoundedHeap() throws Exception {
    int port = Harness.freePort();
    Map<String, String> env = Harness.env(sim, port, "load");
    // the simulator enforces no rate limit here: the engine's own limits would only stretch the run
    env.put("TAVILY_RPM", "0");
    env.put("NEWSAPI_RPM", "0");
    env.put("GREENHOUSE_RPM", "0");
    String api = "http://127.0.0.1:" + port;
    String book = Harness.longBook();
    try (EngineProcess engine = Harness.startEngine("load", env)) {
      // liveness and heap sampled from the start
      List<Long> liveNanos = Collections.synchronizedList(new ArrayList<>());
      // the same request to an idle server in another process (this one) at the same moments: when its
      // tail is as long as the engine's, the machine (CPU starvation) is at fault, not the engine
      List<Long> controlNanos = Collections.synchronizedList(new ArrayList<>());
      AtomicLong liveFailures = new AtomicLong();
      AtomicLong heapPeak = new AtomicLong();
      AtomicLong lagPeakMicros = new AtomicLong();
      AtomicLong gcPausePeakMicros = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread poller = new Thread(() -> {
        long nextHeap = 0;
        while (running.get()) {
          long t = System.nanoTime();
          try {
            HttpResponse<Void> r = Harness.HTTP.send(HttpRequest.newBuilder(URI.create(api + "/health/live"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
              liveFailures.incrementAndGet();
            }
          } catch (Exception e) {
            liveFailures.incrementAndGet();
          }
          liveNanos.add(System.nanoTime() - t);
          long c = System.nanoTime();
          try {
            Harness.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + "/health/live"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
          } catch (Exception e) {
            // a control that timed out counts at its full time
          }
          controlNanos.add(System.nanoTime() - c);
          if (System.nanoTime() > nextHeap) {
            String metrics = Harness.text(api + "/metrics");
            heapPeak.accumulateAndGet((long) Harness.metric(metrics, "jvm_memory_used_bytes", "area=\"heap\""), Math::max);
            // what the engine's own loops saw: tells a busy event loop from a busy machine
            lagPeakMicros.accumulateAndGet((long) (Harness.metric(metrics, "gtm_event_loop_lag_seconds") * 1e6), Math::max);
            gcPausePeakMicros.accumulateAndGet((long) (Harness.max(metrics, "jvm_gc_pause_seconds_max") * 1e6), Math::max);
            nextHeap = System.nanoTime() + 1_000_000_000L;
          }
          long wait = 50 - (System.nanoTime() - t) / 1_000_000;
          if (wait > 0) {
            try {
              Thread.sleep(wait); // the polling period of the liveness probe
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "live-poller");
      poller.start();

      long t0 = System.nanoTime();
      List<String> jobs = new ArrayList<>();
      List<String> urls = new ArrayList<>();
      for (int j = 0; j < RESEARCH_JOBS; j++) {
        String id = Harness.startResearch(api, Harness.researchBody(Harness.domains("load" + j, DOMAINS), "standard", 10));
        jobs.add(id);
        urls.add(api + "/api/research/jobs/" + id);
      }
      for (int d = 0; d < DOCUMENTS; d++) {
        // each book's words spaced its own way: the same chapters, but no answer cached from another copy
        String id = Harness.startDocument(api, book.replace(" the ", " the" + " ".repeat(d + 1)), "Load%20" + d);
        jobs.add(id);
        urls.add(api + "/api/documents/" + id);
      }

      // 200 subscribers, spread over the 25 jobs; each waits for its job's last event
      wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SUBSCRIBERS));
      Set<Integer> completed = ConcurrentHashMap.newKeySet();
      Set<Integer> subscribed = ConcurrentHashMap.newKeySet();
      AtomicLong messages = new AtomicLong();
      List<Future<WebSocket>> sockets = new ArrayList<>();
      for (int s = 0; s < SUBSCRIBERS; s++) {
        int sub = s;
        String job = jobs.get(s % jobs.size());
        sockets.add(wsClient.connect(port, "127.0.0.1", "/ws").onSuccess(ws -> {
          ws.textMessageHandler(text -> {
            messages.incrementAndGet();
            String type = new JsonObject(text).getString("type", "");
            if (type.equals("subscribed")) {
              subscribed.add(sub);
            } else if (type.equals("completed") || type.equals("document_complete")) {
              completed.add(sub);
            }
          });
          ws.writeTextMessage(new JsonObject().put("subscribe", job).encode());
        }));
      }
      Future.all(sockets).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

      List<JsonObject> finals = new ArrayList<>();
      for (String url : urls) {
        finals.add(Harness.awaitFinished(url, Duration.ofMinutes(15)));
      }
      long makespan = (System.nanoTime() - t0) / 1_000_000;
      Harness.await("every subscriber saw its job's last event", Duration.ofSeconds(60), () -> completed.size() == SUBSCRIBERS);
      running.set(false);
      poller.join(10_000);
      for (Future<WebSocket> f : sockets) {
        f.result().close();
      }

      List<Long> sorted = new ArrayList<>(liveNanos);
      Collections.sort(sorted);
      double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
      double p50 = sorted.get(sorted.size() / 2) / 1e6;
      List<Long> control = new ArrayList<>(controlNanos);
      Collections.sort(control);
      double controlP99 = control.get((int) Math.ceil(control.size() * 0.99) - 1) / 1e6;
      long doneResearch = finals.subList(0, RESEARCH_JOBS).stream().filter(j -> "done".equals(j.getString("status"))).count();
      long doneDocs = finals.subList(RESEARCH_JOBS, finals.size()).stream().filter(j -> "done".equals(j.getString("status"))).count();
      long rows = Long.parseLong(Harness.sql("SELECT count(*) FROM company_results WHERE run_id IN ('"
          + String.join("','", jobs.subList(0, RESEARCH_JOBS)) + "')"));
      System.out.printf("FAULTS load research=%d/%d docs=%d/%d rows=%d/%d makespan_ms=%d live{n=%d p50=%.1f p99=%.1f max=%.1f failures=%d}"
              + " control{p50=%.1f p99=%.1f} heap_peak_mb=%d event_loop_lag_peak_ms=%.1f gc_pause_peak_ms=%.1f load=%s ws{subscribed=%d completed=%d messages=%d}%n",
          doneResearch, RESEARCH_JOBS, doneDocs, DOCUMENTS, rows, RESEARCH_JOBS * DOMAINS, makespan, sorted.size(), p50, p99,
          sorted.get(sorted.size() - 1) / 1e6, liveFailures.get(), control.get(control.size() / 2) / 1e6, controlP99, heapPeak.get() >> 20, lagPeakMicros.get() / 1e3,
          gcPausePeakMicros.get() / 1e3, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim(), subscribed.size(), completed.size(),
          messages.get());

      assertThat(doneResearch).isEqualTo(RESEARCH_JOBS);
      assertThat(doneDocs).isEqualTo(DOCUMENTS);
      assertThat(rows).isEqualTo((long) RESEARCH_JOBS * DOMAINS);
      assertThat(subscribed).hasSize(SUBSCRIBERS);
      assertThat(liveFailures.get()).isZero();
      assertThat(p99).as("/health/live p99 ms").isLessThan(100.0);
      assertThat(heapPeak.get()).as("heap peak").isPositive().isLessThan(256L << 20);
      assertThat(engine.process.isAlive()).isTrue();
    }
  }
}
