package io.gtm.dbwriter.internal;

import io.gtm.common.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Validating reads of a named query's {@code params}; every failure names the parameter. */
public final class QueryParams {
  public static final int DEFAULT_LIMIT = 1000;
  public static final int MAX_LIMIT = 10_000;

  private final JsonObject params;

  public QueryParams(JsonObject params) {
    this.params = params == null ? new JsonObject() : params;
  }

  /** True when the parameter is present (and not null). */
  public boolean has(String name) {
    return params.getValue(name) != null;
  }

  public String string(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw ApiException.invalid(name, "params." + name + " is required (a non-empty string)");
    }
    return s;
  }

  public List<String> strings(String name) {
    Object v = params.getValue(name);
    if (!(v instanceof JsonArray arr)) {
      throw ApiException.invalid(name, "params." + name + " is required (an array of strings)");
    }
    List<String> out = new ArrayList<>(arr.size());
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        throw ApiException.invalid(name, "params." + name + " must hold only strings");
      }
      out.add(s);
    }
    return out;
  }

  public long longValue(String name, long fallback, long min) {
    Object v = params.getValue(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.invalid(name, "params." + name + " must be a whole number");
    }
    if (n.longValue() < min) {
      throw ApiException.invalid(name, "params." + name + " must be at least " + min);
    }
    return n.longValue();
  }

  public int offset() {
    return (int) Math.min(longValue("offset", 0, 0), Integer.MAX_VALUE);
  }

  public int limit() {
    long limit = longValue("limit", DEFAULT_LIMIT, 1);
    if (limit > MAX_LIMIT) {
      throw ApiException.invalid("limit", "params.limit must be at most " + MAX_LIMIT);
    }
    return (int) limit;
  }
}
