package io.gtm.summarizer;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The summarizer's meters (README lists them). Gauges read the live state through suppliers. */
final class SummarizerMetrics {
  static final String PIPELINE = "documents";

  private final MeterRegistry registry = Metrics.registry();

  void stage(String stage, long nanos) {
    Timer.builder(MetricNames.STAGE).tags(MetricNames.TAG_PIPELINE, PIPELINE, MetricNames.TAG_STAGE, stage)
        .register(registry).record(Duration.ofNanos(nanos));
  }

  void unit(String kind, boolean success) {
    Counter.builder(MetricNames.UNITS).tags(MetricNames.TAG_KIND, kind, MetricNames.TAG_OUTCOME, success ? "success" : "failure")
        .register(registry).increment();
  }

  void completed(String outcome) {
    Counter.builder(MetricNames.JOBS_COMPLETED).tags(MetricNames.TAG_KIND, "document", MetricNames.TAG_OUTCOME, outcome)
        .register(registry).increment();
  }

  /** Registers the gauges once per process; later calls (more verticle instances) keep the first suppliers. */
  void gauges(Supplier<Number> active, Supplier<Number> idleSeconds, Supplier<Number> queueDepth,
              Supplier<Number> queueCapacity, Supplier<Number> inFlight, Supplier<Number> limit) {
    gauge(MetricNames.JOBS_ACTIVE, MetricNames.TAG_KIND, "document", active);
    gauge(MetricNames.JOB_IDLE, MetricNames.TAG_KIND, "document", idleSeconds);
    gauge(MetricNames.QUEUE_DEPTH, MetricNames.TAG_QUEUE, "summarizer", queueDepth);
    gauge(MetricNames.QUEUE_CAPACITY, MetricNames.TAG_QUEUE, "summarizer", queueCapacity);
    gauge(MetricNames.POOL_IN_FLIGHT, MetricNames.TAG_POOL, "llm", inFlight);
    gauge(MetricNames.POOL_LIMIT, MetricNames.TAG_POOL, "llm", limit);
  }

  private void gauge(String name, String tag, String value, Supplier<Number> supplier) {
    if (registry.find(name).tag(tag, value).gauge() == null) {
      Gauge.builder(name, supplier).tag(tag, value).strongReference(true).register(registry);
    }
  }
}
