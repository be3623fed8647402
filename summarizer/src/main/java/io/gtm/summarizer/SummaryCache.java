package io.gtm.summarizer;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.model.DbWrite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM answers in {@code summary_cache}, keyed by the SHA-256 of (prompt version, operation,
 * provider/model, input): the same text asked the same way is never paid for twice, across
 * documents and processes. Reads and writes go through db-writer; a failed read is a miss, a
 * failed write is only logged (the answer is still used). During an outage of PostgreSQL one
 * WARNING says reads fail and one INFO line says when they work again, not a line per read.
 */
final class SummaryCache {
  private static final Logger log = LoggerFactory.getLogger(SummaryCache.class);

  private final Vertx vertx;
  private final String model;
  private final java.util.concurrent.atomic.AtomicBoolean readsFailing = new java.util.concurrent.atomic.AtomicBoolean();

  /** @param model the provider and model the answers come from (part of every key) */
  SummaryCache(Vertx vertx, String model) {
    this.vertx = vertx;
    this.model = model;
  }

  String key(String operation, JsonObject input) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : List.of(Prompts.VERSION, operation, model, input.encode())) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The cached values of the keys present (one query for all of them). */
  Future<Map<String, JsonObject>> lookup(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", DbQueries.SUMMARY_CACHE)
            .put("params", new JsonObject().put("keys", new JsonArray(List.copyOf(keys)))))
        .map(reply -> {
          Map<String, JsonObject> out = new HashMap<>();
          for (Object o : reply.body().getJsonArray("rows", new JsonArray())) {
            JsonObject row = (JsonObject) o;
            if (row.getValue("value") instanceof JsonObject v) {
              out.put(row.getString("key"), v);
            }
          }
          if (readsFailing.compareAndSet(true, false)) {
            log.info("summary cache reads work again");
          }
          return out;
        })
        .otherwise(err -> {
          if (readsFailing.compareAndSet(false, true)) {
            log.warn("summary cache read failed ({}): reads are treated as misses until they work again", err.getMessage());
          }
          return Map.of();
        });
  }

  void store(String key, JsonObject value) {
    JsonObject row = new JsonObject().put("key", key).put("value", value);
    vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("summary_cache", List.of(row)).toJson())
        .onFailure(err -> log.warn("summary cache write failed: {}", err.getMessage()));
  }
}
