package io.gtm.gateway.http;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;

/**
 * An answer that tells the client when to try again ({@code Retry-After}, whole seconds): 429 when
 * the job quota is spent, 503 when a service the request needs does not answer.
 */
public final class RetryAfterException extends ApiException {
  private final long retryAfterSeconds;

  public RetryAfterException(String message, long retryAfterSeconds) {
    this(ErrorCode.RATE_LIMITED, message, retryAfterSeconds);
  }

  public RetryAfterException(ErrorCode code, String message, long retryAfterSeconds) {
    super(code, message);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
