package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The behaviour knobs of one simulated provider. JSON field names are snake_case; a partial
 * JSON object updates only the fields it names ({@link #merge}). Validation names the bad key.
 */
public final class Knobs {
  public static final long DEFAULT_LATENCY_MEDIAN_MS = 20;
  public static final long DEFAULT_LATENCY_P99_MS = 60;
  public static final long DEFAULT_WINDOW_MS = 60_000;
  public static final long DEFAULT_SEED = 42;

  /** Median of the log-normal latency. */
  public long latencyMedianMs = DEFAULT_LATENCY_MEDIAN_MS;
  /** 99th percentile of the log-normal latency (<= median means a constant latency). */
  public long latencyP99Ms = DEFAULT_LATENCY_P99_MS;
  /** LLMs: extra milliseconds per 1,000 prompt tokens, so latency grows with the prompt. */
  public double latencyMsPer1kTokens = 0;
  /** Requests accepted per sliding window (60 s by default); 0 = unlimited. */
  public int rpm = 0;
  /** LLMs: tokens (prompt + max_tokens) accepted per sliding window; 0 = unlimited. */
  public long tpm = 0;
  /** Length of the sliding window; only tests shorten it. */
  public long windowMs = DEFAULT_WINDOW_MS;
  public double error500Rate = 0;
  public double error503Rate = 0;
  /** Probability that a request is never answered. */
  public double hangRate = 0;
  /** Probability of a 200 with a truncated JSON body. */
  public double malformedRate = 0;
  /** Answer every authenticated request with the provider's terminal quota error. */
  public boolean terminalQuota = false;
  /** Tavily only: 432 (plan limit) or 433 (pay-as-you-go limit) for terminal quota. */
  public int terminalQuotaStatus = 432;
  /** Accepted keys; empty = any non-empty key. */
  public List<String> apiKeys = new ArrayList<>();
  /** Gemini only: a leading {"thought": true} part, as thinking models send. */
  public boolean thoughtPart = false;
  /** Gemini only: probability of promptFeedback.blockReason SAFETY with no candidates. */
  public double safetyBlockRate = 0;
  public long seed = DEFAULT_SEED;

  public Knobs copy() {
    return new Knobs().merge(toJson());
  }

  /** Applies the fields present in {@code json}; throws IllegalArgumentException naming a bad key. */
  public Knobs merge(JsonObject json) {
    for (String key : json.fieldNames()) {
      Object v = json.getValue(key);
      switch (key) {
        case "latency_median_ms" -> latencyMedianMs = nonNegativeLong(key, v);
        case "latency_p99_ms" -> latencyP99Ms = nonNegativeLong(key, v);
        case "latency_ms_per_1k_tokens" -> {
          nonNegativeLong(key, v);
          latencyMsPer1kTokens = ((Number) v).doubleValue();
        }
        case "rpm" -> rpm = (int) nonNegativeLong(key, v);
        case "tpm" -> tpm = nonNegativeLong(key, v);
        case "window_ms" -> {
          windowMs = nonNegativeLong(key, v);
          if (windowMs == 0) throw bad(key, "must be > 0");
        }
        case "error_500_rate" -> error500Rate = probability(key, v);
        case "error_503_rate" -> error503Rate = probability(key, v);
        case "hang_rate" -> hangRate = probability(key, v);
        case "malformed_rate" -> malformedRate = probability(key, v);
        case "terminal_quota" -> terminalQuota = bool(key, v);
        case "terminal_quota_status" -> {
          terminalQuotaStatus = (int) nonNegativeLong(key, v);
          if (terminalQuotaStatus != 432 && terminalQuotaStatus != 433) throw bad(key, "must be 432 or 433");
        }
        case "api_keys" -> apiKeys = stringList(key, v);
        case "thought_part" -> thoughtPart = bool(key, v);
        case "safety_block_rate" -> safetyBlockRate = probability(key, v);
        case "seed" -> {
          if (!(v instanceof Number n)) throw bad(key, "must be a number");
          seed = n.longValue();
        }
        default -> throw bad(key, "unknown knob");
      }
    }
    if (error500Rate + error503Rate + hangRate + malformedRate > 1.0 + 1e-9) {
      throw new IllegalArgumentException("error_500_rate + error_503_rate + hang_rate + malformed_rate must be <= 1");
    }
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("latency_median_ms", latencyMedianMs)
        .put("latency_p99_ms", latencyP99Ms)
        .put("latency_ms_per_1k_tokens", latencyMsPer1kTokens)
        .put("rpm", rpm)
        .put("tpm", tpm)
        .put("window_ms", windowMs)
        .put("error_500_rate", error500Rate)
        .put("error_503_rate", error503Rate)
        .put("hang_rate", hangRate)
        .put("malformed_rate", malformedRate)
        .put("terminal_quota", terminalQuota)
        .put("terminal_quota_status", terminalQuotaStatus)
        .put("api_keys", new JsonArray(new ArrayList<>(apiKeys)))
        .put("thought_part", thoughtPart)
        .put("safety_block_rate", safetyBlockRate)
        .put("seed", seed);
  }

  private static IllegalArgumentException bad(String key, String why) {
    return new IllegalArgumentException("knob '" + key + "' " + why);
  }

  private static long nonNegativeLong(String key, Object v) {
    if (!(v instanceof Number n) || n.doubleValue() < 0) throw bad(key, "must be a number >= 0");
    return n.longValue();
  }

  private static double probability(String key, Object v) {
    if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
      throw bad(key, "must be a probability in [0, 1]");
    }
    return n.doubleValue();
  }

  private static boolean bool(String key, Object v) {
    if (!(v instanceof Boolean b)) throw bad(key, "must be true or false");
    return b;
  }

  private static List<String> stringList(String key, Object v) {
    if (!(v instanceof JsonArray a)) throw bad(key, "must be an array of strings");
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s) || s.isEmpty()) throw bad(key, "must be an array of non-empty strings");
      out.add(s);
    }
    return out;
  }
}
