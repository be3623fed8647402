package io.gtm.common.resilience;

import io.gtm.common.config.EngineConfig;

/**
 * The resilience settings of one provider.
 *
 * @param name            provider label: tavily, newsapi, greenhouse, openai, gemini
 * @param rpm             requests per window, 0 = no limit
 * @param tpm             tokens per window, 0 = no limit
 * @param windowMs        the rate-limit window (60,000; tests shorten it)
 * @param windowPadMs     added to the window we enforce: covers the spread between a grant and the
 *                        request's arrival at the provider (connection set-up, scheduling)
 * @param timeoutMs       per-attempt timeout
 * @param maxRetries      retries after the first attempt
 * @param maxConcurrency  calls in flight at once in this process (and the HTTP pool size)
 * @param breakerMaxFailures failures that open the breaker
 * @param breakerResetMs  wait before a half-open probe
 * @param redisUrl        Redis of the cluster-wide limits, null = per-process limits only
 * @param keyPrefix       Redis key prefix shared by the cluster's processes
 * @param backoff         retry backoff
 * @param maxRetryAfterMs the longest provider-requested wait honoured; beyond it the call fails
 */
public record ProviderSettings(String name, int rpm, long tpm, long windowMs, long windowPadMs, long timeoutMs, int maxRetries,
                               int maxConcurrency, int breakerMaxFailures, long breakerResetMs,
                               String redisUrl, String keyPrefix, Backoff backoff, long maxRetryAfterMs) {
  public static final long DEFAULT_WINDOW_MS = 60_000;
  public static final long DEFAULT_WINDOW_PAD_MS = 1_000;
  public static final int DEFAULT_MAX_CONCURRENCY = 200;
  public static final long DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

  public ProviderSettings {
    if (rpm < 0 || tpm < 0) {
      throw new IllegalArgumentException(name + ": rate limits must not be negative");
    }
    if (timeoutMs <= 0 || maxConcurrency <= 0 || windowMs <= 0) {
      throw new IllegalArgumentException(name + ": timeout, concurrency and window must be positive");
    }
  }

  /**
   * Settings from the engine configuration: {@code rpmKey} / {@code tpmKey} (null = none),
   * PROVIDER_TIMEOUT_MS, PROVIDER_MAX_RETRIES, BREAKER_*, REDIS_URL; Redis keys are prefixed by
   * CLUSTER_NAME so that only the processes of one cluster share a limit.
   */
  public static ProviderSettings from(EngineConfig config, String name, String rpmKey, String tpmKey, int maxConcurrency) {
    return new ProviderSettings(name,
        rpmKey == null ? 0 : config.getInt(rpmKey),
        tpmKey == null ? 0 : config.getInt(tpmKey),
        DEFAULT_WINDOW_MS,
        DEFAULT_WINDOW_PAD_MS,
        config.getInt("PROVIDER_TIMEOUT_MS"),
        config.getInt("PROVIDER_MAX_RETRIES"),
        maxConcurrency,
        config.getInt("BREAKER_MAX_FAILURES"),
        config.getInt("BREAKER_RESET_MS"),
        config.get("REDIS_URL"),
        "gtm:" + config.get("CLUSTER_NAME", "gtm") + ":ratelimit:",
        Backoff.defaults(),
        DEFAULT_MAX_RETRY_AFTER_MS);
  }

  public ProviderSettings withName(String n) {
    return new ProviderSettings(n, rpm, tpm, windowMs, windowPadMs, timeoutMs, maxRetries, maxConcurrency, breakerMaxFailures,
        breakerResetMs, redisUrl, keyPrefix, backoff, maxRetryAfterMs);
  }

  public ProviderSettings withLimits(int newRpm, long newTpm, long newWindowMs) {
    return new ProviderSettings(name, newRpm, newTpm, newWindowMs, windowPadMs, timeoutMs, maxRetries, maxConcurrency,
        breakerMaxFailures, breakerResetMs, redisUrl, keyPrefix, backoff, maxRetryAfterMs);
  }

  public ProviderSettings withTimeout(long newTimeoutMs, int newMaxRetries, Backoff newBackoff) {
    return new ProviderSettings(name, rpm, tpm, windowMs, windowPadMs, newTimeoutMs, newMaxRetries, maxConcurrency,
        breakerMaxFailures, breakerResetMs, redisUrl, keyPrefix, newBackoff, maxRetryAfterMs);
  }

  public ProviderSettings withWindowPad(long padMs) {
    return new ProviderSettings(name, rpm, tpm, windowMs, padMs, timeoutMs, maxRetries, maxConcurrency,
        breakerMaxFailures, breakerResetMs, redisUrl, keyPrefix, backoff, maxRetryAfterMs);
  }

  public ProviderSettings withBreaker(int maxFailures, long resetMs) {
    return new ProviderSettings(name, rpm, tpm, windowMs, windowPadMs, timeoutMs, maxRetries, maxConcurrency,
        maxFailures, resetMs, redisUrl, keyPrefix, backoff, maxRetryAfterMs);
  }

  public ProviderSettings withRedis(String url, String prefix) {
    return new ProviderSettings(name, rpm, tpm, windowMs, windowPadMs, timeoutMs, maxRetries, maxConcurrency,
        breakerMaxFailures, breakerResetMs, url, prefix, backoff, maxRetryAfterMs);
  }

  public ProviderSettings withConcurrency(int n) {
    return new ProviderSettings(name, rpm, tpm, windowMs, windowPadMs, timeoutMs, maxRetries, n,
        breakerMaxFailures, breakerResetMs, redisUrl, keyPrefix, backoff, maxRetryAfterMs);
  }
}
