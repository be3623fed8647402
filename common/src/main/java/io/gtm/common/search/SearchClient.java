package io.gtm.common.search;

import io.gtm.common.model.Evidence;
import io.gtm.common.model.SearchTask;
import io.vertx.core.Future;
import java.util.List;

/**
 * A search provider behind one channel ({@code google_search} -> Tavily, {@code news_search} ->
 * NewsAPI, {@code jobs_search} -> Greenhouse). Implementations enforce the provider's rate limit,
 * timeout, retries and breaker and fail once a search is given up.
 */
public interface SearchClient {

  /** The strategy channel this client serves. */
  String channel();

  /** The provider label for metrics and breakers: tavily, newsapi, greenhouse. */
  String provider();

  Future<List<Evidence>> search(SearchTask task);
}
