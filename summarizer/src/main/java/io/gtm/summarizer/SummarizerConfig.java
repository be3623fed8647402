package io.gtm.summarizer;

import io.gtm.common.config.ConfigException;
import io.gtm.common.config.EngineConfig;

/**
 * The summarizer's settings: the engine keys it reads, and its own (deployment config or
 * environment, with these defaults).
 *
 * @param llmConcurrency    {@code LLM_CONCURRENCY}: LLM calls in flight across the cluster
 * @param reduceInputChars  {@code SUMMARIZER_REDUCE_INPUT_CHARS}: most characters of summaries one reduce call takes
 * @param taskAttempts      {@code SUMMARIZER_TASK_ATTEMPTS}: attempts of one call before its chapter fails
 *                          (default 1 + {@code PROVIDER_MAX_RETRIES}: the summarizer retries itself, with the
 *                          backoff outside the concurrency slot, so its client is built with no retries)
 * @param retryBackoffMs    {@code SUMMARIZER_RETRY_BACKOFF_MS}: wait before the second attempt, doubling after
 * @param heartbeatMs       {@code SUMMARIZER_HEARTBEAT_MS}: how often an owner renews its documents
 * @param staleMs           {@code SUMMARIZER_STALE_MS}: a heartbeat older than this lets another process take over
 * @param scanMs            {@code SUMMARIZER_SCAN_MS}: how often unowned or stale documents are looked for
 * @param progressWriteMs   {@code SUMMARIZER_PROGRESS_WRITE_MS}: least time between two writes of a document's counters
 */
record SummarizerConfig(EngineConfig engine, int llmConcurrency, int chunkSize, int chunkOverlap, int chunkThreshold,
                        int reduceInputChars, int taskAttempts, long retryBackoffMs, long heartbeatMs, long staleMs,
                        long scanMs, long progressWriteMs) {
  static final int DEFAULT_REDUCE_INPUT_CHARS = 12_000;
  static final long DEFAULT_RETRY_BACKOFF_MS = 500;
  static final long DEFAULT_HEARTBEAT_MS = 5_000;
  static final long DEFAULT_STALE_MS = 15_000;
  static final long DEFAULT_SCAN_MS = 5_000;
  static final long DEFAULT_PROGRESS_WRITE_MS = 1_000;

  static SummarizerConfig from(EngineConfig c) {
    SummarizerConfig cfg = new SummarizerConfig(c, c.getInt("LLM_CONCURRENCY"), c.getInt("CHUNK_SIZE"),
        c.getInt("CHUNK_OVERLAP"), c.getInt("CHUNK_THRESHOLD"),
        (int) num(c, "SUMMARIZER_REDUCE_INPUT_CHARS", DEFAULT_REDUCE_INPUT_CHARS),
        (int) num(c, "SUMMARIZER_TASK_ATTEMPTS", 1 + c.getInt("PROVIDER_MAX_RETRIES")),
        num(c, "SUMMARIZER_RETRY_BACKOFF_MS", DEFAULT_RETRY_BACKOFF_MS),
        num(c, "SUMMARIZER_HEARTBEAT_MS", DEFAULT_HEARTBEAT_MS),
        num(c, "SUMMARIZER_STALE_MS", DEFAULT_STALE_MS),
        num(c, "SUMMARIZER_SCAN_MS", DEFAULT_SCAN_MS),
        num(c, "SUMMARIZER_PROGRESS_WRITE_MS", DEFAULT_PROGRESS_WRITE_MS));
    if (cfg.llmConcurrency < 1) {
      throw new ConfigException("LLM_CONCURRENCY", "must be at least 1");
    }
    if (cfg.taskAttempts < 1) {
      throw new ConfigException("SUMMARIZER_TASK_ATTEMPTS", "must be at least 1");
    }
    if (cfg.reduceInputChars < 1000) {
      throw new ConfigException("SUMMARIZER_REDUCE_INPUT_CHARS", "must be at least 1000");
    }
    if (cfg.staleMs <= cfg.heartbeatMs) {
      throw new ConfigException("SUMMARIZER_STALE_MS", "must be longer than SUMMARIZER_HEARTBEAT_MS");
    }
    return cfg;
  }

  private static long num(EngineConfig c, String key, long fallback) {
    String v = c.get(key, System.getenv(key));
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new ConfigException(key, "must not be negative, got '" + v + "'");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected a whole number, got '" + v + "'");
    }
  }

  /** The client configuration: no retries inside the client (see {@code taskAttempts}). */
  EngineConfig clientConfig() {
    return engine.with("PROVIDER_MAX_RETRIES", "0");
  }
}
