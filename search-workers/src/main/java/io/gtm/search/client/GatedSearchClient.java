package io.gtm.search.client;

import io.gtm.common.model.Evidence;
import io.gtm.common.resilience.ProviderGate;
import io.gtm.common.search.SearchClient;
import io.vertx.core.Future;
import java.util.List;

/**
 * What every provider-backed search client shares: the channel it serves, the {@link ProviderGate}
 * its calls go through (breaker, concurrency, rate limit, timeout, retries) and the metrics of each
 * search. A client adds only its provider's wire format.
 */
public abstract class GatedSearchClient implements SearchClient {
  protected final ProviderGate gate;
  private final String channel;

  protected GatedSearchClient(String channel, ProviderGate gate) {
    this.channel = channel;
    this.gate = gate;
  }

  @Override
  public final String channel() {
    return channel;
  }

  @Override
  public final String provider() {
    return gate.provider();
  }

  public final ProviderGate gate() {
    return gate;
  }

  /** {@code base} (with or without a trailing slash) followed by {@code path}. */
  static String endpoint(String base, String path) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  /** {@code call}, counted and timed in the search metrics of this client's channel. */
  protected final Future<List<Evidence>> observed(Future<List<Evidence>> call) {
    return SearchCallMetrics.observe(channel, call);
  }
}
