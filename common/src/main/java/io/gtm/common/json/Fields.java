package io.gtm.common.json;

import io.gtm.common.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed, validating reads of JSON fields; every failure names the field. */
public final class Fields {
  private Fields() {}

  public static String requireString(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalid(field, field + " must be a string");
    }
    if (s.isBlank()) {
      throw ApiException.invalid(field, field + " must not be empty");
    }
    return s;
  }

  public static String optString(JsonObject json, String field, String fallback) {
    Object v = json.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalid(field, field + " must be a string");
    }
    return s;
  }

  public static JsonArray requireArray(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    if (!(v instanceof JsonArray a)) {
      throw ApiException.invalid(field, field + " must be an array");
    }
    return a;
  }

  public static JsonObject requireObject(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    if (!(v instanceof JsonObject o)) {
      throw ApiException.invalid(field, field + " must be an object");
    }
    return o;
  }

  public static int optInt(JsonObject json, String field, int fallback, int min, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.invalid(field, field + " must be a whole number");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw ApiException.invalid(field, field + " must be between " + min + " and " + max);
    }
    return (int) l;
  }

  public static double optDouble(JsonObject json, String field, double fallback, double min, double max) {
    Object v = json.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n)) {
      throw ApiException.invalid(field, field + " must be a number");
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || d < min || d > max) {
      throw ApiException.invalid(field, field + " must be between " + min + " and " + max);
    }
    return d;
  }
}
