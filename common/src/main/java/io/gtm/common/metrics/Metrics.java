package io.gtm.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * The process-wide Prometheus registry: every meter of this JVM, Vert.x's own included, lands here
 * and is served by the gateway's {@code /metrics}. Timers publish histograms (quantiles are
 * computed in PromQL).
 */
public final class Metrics {
  private static volatile PrometheusMeterRegistry registry;

  private Metrics() {}

  /** The registry of this process, created on first use with the {@code service} common tag. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry r = registry;
    if (r == null) {
      synchronized (Metrics.class) {
        if (registry == null) {
          registry = create(System.getProperty("gtm.service", "all"));
        }
        r = registry;
      }
    }
    return r;
  }

  /** Names this process's module in the {@code service} tag; call before the first {@link #registry()}. */
  public static void setService(String service) {
    System.setProperty("gtm.service", service);
  }

  private static PrometheusMeterRegistry create(String service) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags(MetricNames.TAG_SERVICE, service);
    r.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        // every timer and summary a histogram, from the first one on: Vert.x's publishQuantiles adds
        // the same rule for meters registered after it, and one name exported as both a summary and
        // a histogram (e.g. jvm.gc.pause with a new GC cause) makes the Prometheus scrape fail
        return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
      }
    });
    new JvmMemoryMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    return r;
  }

  /** Vert.x options with Micrometer metrics on this process's registry. */
  public static VertxOptions vertxOptions(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        // histogram buckets for Vert.x's own timers too, so dashboards get p50/p95/p99
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))
        .setJvmMetricsEnabled(false)
        .setEnabled(true));
  }

  public static MicrometerMetricsFactory factory() {
    return new MicrometerMetricsFactory(registry());
  }

  public static MeterRegistry meters() {
    return registry();
  }
}
