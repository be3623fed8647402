package io.gtm.common.resilience;

/**
 * A provider call that failed: what happened ({@link #outcome()}, a metrics label), whether a
 * retry can help, and any wait the provider asked for. Messages never carry keys or URLs.
 */
public final class ProviderException extends RuntimeException {
  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String TIMEOUT = "timeout";
  public static final String REJECTED = "rejected";

  /** How the failure is handled. */
  public enum Kind {
    /** 408/409/429/5xx, timeouts, broken connections, malformed bodies: retried with backoff. */
    RETRYABLE,
    /** Bad key, bad request, blocked prompt: never retried. */
    TERMINAL,
    /** Exhausted quota (OpenAI insufficient_quota, Tavily 432/433, NewsAPI apiKeyExhausted, Gemini PerDay): opens the breaker. */
    TERMINAL_QUOTA
  }

  private final String provider;
  private final String outcome;
  private final Kind kind;
  private final int status;
  private final long retryAfterMs;

  public ProviderException(String provider, String outcome, Kind kind, int status, long retryAfterMs, String message) {
    super(provider + ": " + message, null, false, false);
    this.provider = provider;
    this.outcome = outcome;
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  public static ProviderException retryable(String provider, int status, long retryAfterMs, String message) {
    return new ProviderException(provider, status == 429 ? RATE_LIMITED : FAILURE, Kind.RETRYABLE, status, retryAfterMs, message);
  }

  public static ProviderException terminal(String provider, int status, String message) {
    return new ProviderException(provider, FAILURE, Kind.TERMINAL, status, -1, message);
  }

  public static ProviderException quota(String provider, int status, String message) {
    return new ProviderException(provider, status == 429 ? RATE_LIMITED : FAILURE, Kind.TERMINAL_QUOTA, status, -1, message);
  }

  public static ProviderException malformed(String provider, String message) {
    return new ProviderException(provider, FAILURE, Kind.RETRYABLE, 200, -1, "malformed response: " + message);
  }

  public String provider() {
    return provider;
  }

  public String outcome() {
    return outcome;
  }

  public Kind kind() {
    return kind;
  }

  public boolean terminal() {
    return kind != Kind.RETRYABLE;
  }

  /** HTTP status, 0 when no answer came (timeout, connection error, open breaker). */
  public int status() {
    return status;
  }

  /** The wait the provider asked for, -1 when none. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** Whether this failure counts towards opening the breaker (throttling and caller errors do not). */
  public boolean countsAsOutage() {
    if (REJECTED.equals(outcome)) {
      return false;
    }
    if (kind == Kind.RETRYABLE) {
      return status != 429;
    }
    return status == 401 || status == 403;
  }

  /** The metrics outcome of any failure: a ProviderException's own, else {@code failure}. */
  public static String outcomeOf(Throwable error) {
    return error instanceof ProviderException p ? p.outcome() : FAILURE;
  }
}
