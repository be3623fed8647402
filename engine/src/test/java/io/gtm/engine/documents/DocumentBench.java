package io.gtm.engine.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.llm.LlmOperations;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.simulator.Simulator;
import io.gtm.summarizer.internal.Chapter;
import io.gtm.summarizer.internal.ChapterSplitter;
import io.gtm.summarizer.internal.Chunker;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One book through the whole pipeline (gateway HTTP, db-writer on PostgreSQL, summarizer with the
 * OpenAI client) against the simulator, whose latency is {@code base + per1k x prompt tokens / 1000}.
 * Prints one {@code BENCH documents ...} line. Not part of the test suite (run it by name; see
 * bench/documents/README.md).
 */
@Tag("bench")
class DocumentBench {

  private static int prop(String name, int fallback) {
    return Integer.parseInt(System.getProperty("bench." + name, String.valueOf(fallback)));
  }

  @Test
  void book() throws Exception {
    String file = System.getProperty("bench.book", "war-and-peace.txt");
    int base = prop("base", 20);
    int per1k = prop("per1k", 40);
    int concurrency = prop("concurrency", 4);
    int size = prop("chunk", 3500);
    int overlap = prop("overlap", 275);
    double errors = Double.parseDouble(System.getProperty("bench.errors", "0"));
    String book = Corpus.read(file);
    String loadBefore = loadAverage();

    Vertx simVertx = Vertx.vertx();
    Simulator sim = DocumentStack.await(Simulator.start(simVertx, 0));
    sim.configure("openai", new JsonObject().put("latency_median_ms", base).put("latency_p99_ms", base)
        .put("latency_ms_per_1k_tokens", per1k).put("error_500_rate", errors));
    Map<String, String> env = DocumentStack.testEnv();
    // a database of the benchmark's own: the tests' database is shared with other modules' runs,
    // whose start cancels the documents left in work there (this one included)
    String database = System.getProperty("bench.database", "gtm_documents_bench");
    DocumentStack.ensureDatabase(database);
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + database);
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", sim.openAiBaseUrl());
    env.put("LLM_API_KEY", "sk-bench");
    env.put("LLM_RPM", "0");
    env.put("LLM_CONCURRENCY", String.valueOf(concurrency));
    env.put("CHUNK_SIZE", String.valueOf(size));
    env.put("CHUNK_OVERLAP", String.valueOf(overlap));
    env.put("SUMMARIZER_TASK_ATTEMPTS", "6");
    env.put("SUMMARIZER_RETRY_BACKOFF_MS", "50");
    env.put("SUMMARIZER_SCAN_MS", "60000"); // only this document: no takeover of others in the shared database
    env.put("DB_BATCH_MS", System.getProperty("bench.dbBatchMs", "20"));
    DocumentStack stack = DocumentStack.start(env, null);
    Map<String, Double> before = callsByOperation();
    double clientBefore = timerMs(MetricNames.LLM_LATENCY, null);
    double slotBefore = timerMs(MetricNames.STAGE, "documents");
    try {
      List<Long> chapterTimes = new ArrayList<>();
      Promise<JsonObject> complete = Promise.promise();
      long[] t0 = new long[1];
      t0[0] = System.nanoTime();
      String id = stack.upload(book, "Bench");
      double uploadMs = (System.nanoTime() - t0[0]) / 1e6;
      stack.vertx.eventBus().<JsonObject>consumer(Addresses.jobEvents(id), m -> {
        String type = m.body().getString("type");
        if ("chapter_done".equals(type)) {
          chapterTimes.add(System.nanoTime() - t0[0]);
        } else if ("document_complete".equals(type)) {
          complete.tryComplete(m.body());
          chapterTimes.add(-1L);
        }
      });
      JsonObject done = complete.future().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.MINUTES);
      long makespanNs = System.nanoTime() - t0[0];
      chapterTimes.remove(Long.valueOf(-1L));
      JsonObject doc = stack.document(id);
      JsonObject stats = sim.stats("openai");
      long ok = stats.getJsonObject("by_status").getLong("200", 0L);
      long requests = stats.getLong("requests_total");
      long failedCalls = requests - ok;
      long promptTokens = stats.getLong("prompt_tokens");
      long completionTokens = stats.getLong("completion_tokens");
      // provider service time: what the simulator spends per call (failed calls estimated at the mean prompt)
      double serviceOk = ok * (double) base + per1k * promptTokens / 1000.0;
      double serviceFailed = ok == 0 ? 0 : failedCalls * serviceOk / ok;
      double faultFreeBound = serviceOk / concurrency;
      double bound = (serviceOk + serviceFailed) / concurrency;
      double makespanMs = makespanNs / 1e6;
      double firstMs = chapterTimes.isEmpty() ? -1 : chapterTimes.get(0) / 1e6;
      double halfMs = chapterTimes.size() < 2 ? -1 : chapterTimes.get(chapterTimes.size() / 2) / 1e6;
      // the stream of chapters: when a quarter and three quarters were stored, and the longest wait between two
      double q1Ms = chapterTimes.size() < 4 ? -1 : chapterTimes.get(chapterTimes.size() / 4) / 1e6;
      double q3Ms = chapterTimes.size() < 4 ? -1 : chapterTimes.get(3 * chapterTimes.size() / 4) / 1e6;
      double maxGapMs = 0;
      for (int i = 1; i < chapterTimes.size(); i++) {
        maxGapMs = Math.max(maxGapMs, (chapterTimes.get(i) - chapterTimes.get(i - 1)) / 1e6);
      }
      String load = loadAverage();
      Map<String, Double> after = callsByOperation();
      double clientMs = timerMs(MetricNames.LLM_LATENCY, null) - clientBefore;
      double slotMs = timerMs(MetricNames.STAGE, "documents") - slotBefore;

      List<Chapter> chapters = ChapterSplitter.split(book);
      int chunksDefault = 0;
      int chunksSmall = 0;
      for (Chapter c : chapters) {
        chunksDefault += new Chunker(3500, 275, 5000).chunk(c.text()).size();
        chunksSmall += new Chunker(2000, 400, 5000).chunk(c.text()).size();
      }
      String line = String.format(java.util.Locale.ROOT,
          "BENCH documents book=%s chapters=%d status=%s done=%d failed=%d concurrency=%d chunk=%d/%d latency=%dms+%dms/1k"
              + " errors=%.2f makespan_ms=%.0f bound_ms=%.0f ratio=%.4f fault_free_bound_ms=%.0f"
              + " first_chapter_ms=%.0f (%.1f%%) quarter_chapters=%.1f%% half_chapters_ms=%.0f (%.1f%%) three_quarters=%.1f%%"
              + " max_gap_between_chapters_ms=%.0f calls=%d ok=%d failed=%d llm_calls=%d"
              + " map=%.0f reduce=%.0f title_preview=%.0f prompt_tokens=%d completion_tokens=%d"
              + " chunks_3500_275=%d chunks_2000_400=%d service_ms=%.0f client_latency_ms=%.0f slot_ms=%.0f upload_ms=%.0f"
              + " load_before=%s load_after=%s",
          file, chapters.size(), done.getString("status"), doc.getInteger("chapters_done"), doc.getInteger("chapters_failed"),
          concurrency, size, overlap, base, per1k, errors, makespanMs, bound, makespanMs / bound, faultFreeBound,
          firstMs, 100 * firstMs / makespanMs, 100 * q1Ms / makespanMs, halfMs, 100 * halfMs / makespanMs,
          100 * q3Ms / makespanMs, maxGapMs, requests, ok, failedCalls,
          doc.getInteger("llm_calls"),
          delta(before, after, LlmOperations.SUMMARIZE_CHUNK), delta(before, after, LlmOperations.REDUCE),
          delta(before, after, LlmOperations.TITLE_PREVIEW), promptTokens, completionTokens, chunksDefault, chunksSmall,
          serviceOk + serviceFailed, clientMs, slotMs, uploadMs, loadBefore, load);
      System.out.println(line);
      assertThat(done.getString("status")).isEqualTo("done");
    } finally {
      stack.close();
      DocumentStack.await(simVertx.close());
    }
  }

  /** The 1-minute load average (this machine is shared: the figures depend on it). */
  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return String.format(java.util.Locale.ROOT, "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String op) {
    return after.getOrDefault(op, 0.0) - before.getOrDefault(op, 0.0);
  }

  /** Total recorded time of a timer in ms (the documents pipeline's only, for gtm.stage). */
  private static double timerMs(String name, String pipeline) {
    double total = 0;
    for (io.micrometer.core.instrument.Timer t : Metrics.registry().find(name).timers()) {
      if (pipeline == null || pipeline.equals(t.getId().getTag(MetricNames.TAG_PIPELINE))) {
        if (!"split".equals(t.getId().getTag(MetricNames.TAG_STAGE))) {
          total += t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    }
    return total;
  }

  /** gtm_llm_requests_total by operation (every outcome). */
  private static Map<String, Double> callsByOperation() {
    Map<String, Double> out = new java.util.HashMap<>();
    for (Counter c : Metrics.registry().find(MetricNames.LLM_REQUESTS).counters()) {
      out.merge(c.getId().getTag(MetricNames.TAG_OPERATION), c.count(), Double::sum);
    }
    return out;
  }
}
