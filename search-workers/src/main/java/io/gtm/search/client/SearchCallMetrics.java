package io.gtm.search.client;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.resilience.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Records {@code gtm_search_requests_total{channel,outcome}} and {@code gtm_search_latency_seconds{channel}}. */
final class SearchCallMetrics {
  private SearchCallMetrics() {}

  static <T> Future<T> observe(String channel, Future<T> call) {
    long start = System.nanoTime();
    return call.andThen(ar -> {
      String outcome = ar.succeeded() ? ProviderException.SUCCESS : ProviderException.outcomeOf(ar.cause());
      Counter.builder(MetricNames.SEARCH_REQUESTS).tag(MetricNames.TAG_CHANNEL, channel)
          .tag(MetricNames.TAG_OUTCOME, outcome).register(Metrics.registry()).increment();
      Timer.builder(MetricNames.SEARCH_LATENCY).tag(MetricNames.TAG_CHANNEL, channel)
          .register(Metrics.registry()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
  }

  static String host(String url) {
    try {
      String h = java.net.URI.create(url).getHost();
      if (h == null) {
        return null;
      }
      return h.startsWith("www.") ? h.substring(4) : h;
    } catch (IllegalArgumentException bad) {
      return null;
    }
  }
}
