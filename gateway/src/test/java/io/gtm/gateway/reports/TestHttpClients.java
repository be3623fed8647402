package io.gtm.gateway.reports;

import io.vertx.core.http.HttpClientOptions;

/**
 * HTTP client options for the API tests: a fresh connection per request. Vert.x issue 2772 (a
 * request written on a pooled keep-alive connection that is being closed can hang until its
 * timeout) made rare test calls hang for a minute; browsers and real clients are not affected.
 */
public final class TestHttpClients {
  public static final HttpClientOptions OPTIONS = new HttpClientOptions().setKeepAlive(false);

  private TestHttpClients() {}
}
