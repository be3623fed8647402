package io.gtm.gateway.http;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;

/** A 429 answer that tells the client when to try again ({@code Retry-After}, whole seconds). */
public final class RetryAfterException extends ApiException {
  private final long retryAfterSeconds;

  public RetryAfterException(String message, long retryAfterSeconds) {
    super(ErrorCode.RATE_LIMITED, message);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
