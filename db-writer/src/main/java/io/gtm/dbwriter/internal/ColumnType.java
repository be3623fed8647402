package io.gtm.dbwriter.internal;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A column's SQL type: how a JSON value is checked and normalised before it is queued, and how a
 * column of values is sent to PostgreSQL as one array parameter of an {@code unnest(...)}.
 */
public enum ColumnType {
  TEXT("text", "text"),
  INT("int", "int4"),
  BIGINT("bigint", "int8"),
  DOUBLE("double precision", "float8"),
  /** Sent as text and cast, so that any JSON value (object, array, scalar) fits. */
  JSONB("jsonb", "text"),
  /** Sent as ISO-8601 text and cast. */
  TIMESTAMPTZ("timestamptz", "text");

  private final String sqlType;
  private final String arrayElementType;

  ColumnType(String sqlType, String arrayElementType) {
    this.sqlType = sqlType;
    this.arrayElementType = arrayElementType;
  }

  public String sqlType() {
    return sqlType;
  }

  /** Element type of the array parameter (the {@code $n::TYPE[]} cast of the unnest). */
  public String arrayElementType() {
    return arrayElementType;
  }

  /**
   * The value in its queued form: String, Integer, Long, Double, JSON text for jsonb, an ISO
   * instant string for timestamps; null stays null.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public Object normalize(Object value) {
    if (value == null) {
      return null;
    }
    switch (this) {
      case TEXT:
        if (value instanceof String s) {
          return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
          return String.valueOf(value);
        }
        throw new IllegalArgumentException("expected a string");
      case INT:
        return Math.toIntExact(wholeNumber(value));
      case BIGINT:
        return wholeNumber(value);
      case DOUBLE:
        if (value instanceof Number n) {
          return n.doubleValue();
        }
        throw new IllegalArgumentException("expected a number");
      case JSONB:
        if (value instanceof JsonObject o) {
          return o.encode();
        }
        if (value instanceof JsonArray a) {
          return a.encode();
        }
        return Json.encode(value);
      case TIMESTAMPTZ:
        if (value instanceof Number n) {
          return Instant.ofEpochMilli(n.longValue()).toString();
        }
        if (value instanceof String s) {
          try {
            return OffsetDateTime.parse(s).toInstant().toString();
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an ISO-8601 timestamp with offset, got '" + s + "'");
          }
        }
        throw new IllegalArgumentException("expected an ISO-8601 timestamp");
      default:
        throw new IllegalStateException(name());
    }
  }

  private static long wholeNumber(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d)) {
        return (long) d;
      }
    }
    throw new IllegalArgumentException("expected a whole number");
  }
}
