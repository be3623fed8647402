package io.gtm.common.resilience;

import java.util.UUID;

/** Provider settings for tests: short timeouts and backoff, no client-side rate limit, a unique Redis prefix. */
public final class TestProviders {
  public static final String REDIS = "redis://127.0.0.1:6379";

  private TestProviders() {}

  public static ProviderSettings settings(String name) {
    return new ProviderSettings(name, 0, 0, ProviderSettings.DEFAULT_WINDOW_MS, ProviderSettings.DEFAULT_WINDOW_PAD_MS, 2_000, 3, 16, 5, 30_000, REDIS,
        "test:" + UUID.randomUUID() + ":", new Backoff(50, 400), ProviderSettings.DEFAULT_MAX_RETRY_AFTER_MS);
  }
}
