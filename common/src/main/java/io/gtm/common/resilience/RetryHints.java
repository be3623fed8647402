package io.gtm.common.resilience;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the waits providers ask for: {@code retry-after-ms}, {@code Retry-After} (seconds or an
 * HTTP date), OpenAI's {@code x-ratelimit-reset-*} ({@code 1m30s}, {@code 250ms}) and Gemini's
 * {@code RetryInfo.retryDelay} ({@code 7s}, {@code 0.5s}). Every method returns -1 when the
 * value is absent or unreadable.
 */
public final class RetryHints {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private RetryHints() {}

  /** {@code retry-after-ms: 1500}. */
  public static long retryAfterMs(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      double ms = Double.parseDouble(value.trim());
      return ms < 0 ? -1 : (long) Math.ceil(ms);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code Retry-After: 7} or {@code Retry-After: Wed, 21 Oct 2015 07:28:00 GMT} (relative to {@code nowMs}). */
  public static long retryAfter(String value, long nowMs) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? -1 : (long) Math.ceil(seconds * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - nowMs);
      } catch (DateTimeParseException notDate) {
        return -1;
      }
    }
  }

  /** A Go-style duration: {@code 250ms}, {@code 1s}, {@code 0.5s}, {@code 1m30s}, {@code 6m0s}, {@code 1h2m}. */
  public static long duration(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.trim();
    Matcher m = DURATION_PART.matcher(v);
    int end = 0;
    double total = 0;
    while (m.find()) {
      if (m.start() != end) {
        return -1;
      }
      double n = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      return -1;
    }
    return (long) Math.ceil(total);
  }
}
