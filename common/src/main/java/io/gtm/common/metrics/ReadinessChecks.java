package io.gtm.common.metrics;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness checks contributed by code outside the gateway (e.g. one per provider circuit breaker,
 * id {@code provider.<name>}). The gateway's {@code /health/ready} evaluates every registered check
 * on each request. A check returns {@code {"status": "UP"|"DOWN", ...data}}; anything else, or a
 * supplier that throws, counts as DOWN. Process-wide: a check is visible to a gateway in the same JVM.
 */
public final class ReadinessChecks {
  private static final Map<String, Supplier<JsonObject>> CHECKS = Collections.synchronizedMap(new LinkedHashMap<>());

  private ReadinessChecks() {}

  /** Adds (or replaces) the check {@code id}. */
  public static void register(String id, Supplier<JsonObject> check) {
    CHECKS.put(id, check);
  }

  public static void unregister(String id) {
    CHECKS.remove(id);
  }

  /** A snapshot of the registered checks, in registration order. */
  public static Map<String, Supplier<JsonObject>> all() {
    synchronized (CHECKS) {
      return Map.copyOf(new LinkedHashMap<>(CHECKS));
    }
  }

  /** Runs one check: {@code {"status": "UP"|"DOWN", ...}}, DOWN with the reason if it fails. */
  public static JsonObject evaluate(Supplier<JsonObject> check) {
    try {
      JsonObject r = check.get();
      if (r == null) {
        return new JsonObject().put("status", "DOWN").put("reason", "no result");
      }
      return "UP".equals(r.getString("status")) ? r : r.copy().put("status", "DOWN");
    } catch (RuntimeException e) {
      return new JsonObject().put("status", "DOWN").put("reason", String.valueOf(e.getMessage()));
    }
  }
}
