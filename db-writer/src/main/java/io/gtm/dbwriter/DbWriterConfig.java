package io.gtm.dbwriter;

import io.gtm.common.config.ConfigException;
import io.gtm.common.config.EngineConfig;
import io.vertx.core.json.JsonObject;

/**
 * db-writer settings: {@code DATABASE_URL}, {@code DB_BATCH_ROWS}, {@code DB_BATCH_MS} (engine
 * keys), plus {@code DB_QUEUE_CAPACITY}, {@code DB_BATCH_MAX_ROWS}, {@code DB_POOL_SIZE} and
 * {@code DB_FALLBACK} (deployment-config keys with defaults).
 */
record DbWriterConfig(String databaseUrl, int batchRows, int batchMs, int maxFlushRows, int queueCapacity,
                      int poolSize, boolean memoryFallback) {
  static final int DEFAULT_QUEUE_CAPACITY = 50_000;
  static final int DEFAULT_MAX_FLUSH_ROWS = 1_000;
  static final int DEFAULT_POOL_SIZE = 4;

  static DbWriterConfig from(JsonObject json) {
    EngineConfig engine = EngineConfig.fromJson(json);
    int batchRows = engine.getInt("DB_BATCH_ROWS");
    int maxFlush = positive(engine, "DB_BATCH_MAX_ROWS", Math.max(batchRows, DEFAULT_MAX_FLUSH_ROWS));
    if (maxFlush < batchRows) {
      throw new ConfigException("DB_BATCH_MAX_ROWS", "must be at least DB_BATCH_ROWS (" + batchRows + ")");
    }
    return new DbWriterConfig(
        engine.get("DATABASE_URL"),
        batchRows,
        engine.getInt("DB_BATCH_MS"),
        maxFlush,
        positive(engine, "DB_QUEUE_CAPACITY", DEFAULT_QUEUE_CAPACITY),
        positive(engine, "DB_POOL_SIZE", DEFAULT_POOL_SIZE),
        !"false".equalsIgnoreCase(engine.get("DB_FALLBACK", "true")));
  }

  private static int positive(EngineConfig engine, String key, int fallback) {
    if (!engine.isSet(key)) {
      return fallback;
    }
    int v = engine.getInt(key);
    if (v <= 0) {
      throw new ConfigException(key, "must be positive, got " + v);
    }
    return v;
  }
}
