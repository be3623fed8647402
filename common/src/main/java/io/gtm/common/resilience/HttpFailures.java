package io.gtm.common.resilience;

import io.vertx.core.MultiMap;

/** The parts of error handling every provider shares: which statuses are retryable, the waits asked for. */
public final class HttpFailures {
  private HttpFailures() {}

  /** 408, 409, 429 and every 5xx are worth another try. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** {@code retry-after-ms}, else {@code Retry-After} (seconds or HTTP date); -1 when neither. */
  public static long retryAfter(MultiMap headers, long nowMs) {
    long ms = RetryHints.retryAfterMs(headers.get("retry-after-ms"));
    if (ms >= 0) {
      return ms;
    }
    return RetryHints.retryAfter(headers.get("retry-after"), nowMs);
  }

  /** A provider's message, shortened, with the key masked (some providers echo part of it). */
  public static String clean(String message, String secret) {
    if (message == null) {
      return "";
    }
    String m = message.replaceAll("\\s+", " ").trim();
    if (secret != null && secret.length() >= 4) {
      m = m.replace(secret, "***");
    }
    return m.length() <= 200 ? m : m.substring(0, 200) + "...";
  }
}
