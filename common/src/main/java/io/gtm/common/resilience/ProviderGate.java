package io.gtm.common.resilience;

import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
import io.gtm.common.redis.RedisConnections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything between a provider client and the socket, per attempt and in this order: fail fast
 * if the breaker is open; take a concurrency permit; wait for rate-limit capacity (requests,
 * then tokens), which counts the request as sent; send through the breaker with a timeout;
 * interpret the answer. A retryable failure releases the permit, waits (the provider's
 * Retry-After, or jittered exponential backoff) outside any permit, and tries again, at most
 * {@link ProviderSettings#maxRetries()} times. Terminal quota opens the breaker at once.
 *
 * <p>The HTTP pool is sized to the concurrency limit, so no hidden queue sits between the rate
 * limiter and the socket.
 */
public final class ProviderGate {
  private final Vertx vertx;
  private final ProviderSettings settings;
  private final WebClient web;
  private final CircuitBreaker breaker;
  private final ConcurrencyLimiter concurrency;
  private final RateLimiter requests;
  private final RateLimiter tokens;
  private final Counter rateLimited;
  private final Timer rateLimitWait;

  public ProviderGate(Vertx vertx, ProviderSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent("gtm-research-engine/0.1")
            .setConnectTimeout((int) Math.min(settings.timeoutMs(), 10_000)).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(settings.maxConcurrency()));
    this.breaker = Breakers.forProvider(vertx, settings.name(), settings.breakerMaxFailures(), settings.breakerResetMs());
    // only failures while most recent calls fail count towards opening (see OutcomeWindow)
    OutcomeWindow outcomes = OutcomeWindow.of(breaker);
    this.breaker.failurePolicy(ar -> outcomes.record(ar.failed() && countsAsOutage(ar.cause())));
    this.concurrency = new ConcurrencyLimiter(vertx, settings.name(), Limit.fixed(settings.maxConcurrency()));
    this.requests = limiter(vertx, settings, "requests", settings.rpm());
    this.tokens = limiter(vertx, settings, "tokens", settings.tpm());
    this.rateLimited = Counter.builder(MetricNames.RATE_LIMITED).tag(MetricNames.TAG_PROVIDER, settings.name())
        .register(Metrics.registry());
    this.rateLimitWait = Timer.builder(MetricNames.RATE_LIMIT_WAIT).tag(MetricNames.TAG_PROVIDER, settings.name())
        .register(Metrics.registry());
  }

  private static RateLimiter limiter(Vertx vertx, ProviderSettings s, String kind, long limit) {
    if (limit <= 0) {
      return RateLimiter.unlimited();
    }
    String key = s.keyPrefix() + s.name() + ":" + kind;
    return new RedisRateLimiter(vertx, RedisConnections.shared(vertx, s.redisUrl() == null ? "redis://127.0.0.1:6379" : s.redisUrl()),
        s.name() + " " + kind, key, limit, s.windowMs() + s.windowPadMs());
  }

  public WebClient web() {
    return web;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public ProviderSettings settings() {
    return settings;
  }

  public String provider() {
    return settings.name();
  }

  /**
   * One logical call, retried as needed.
   *
   * @param tokenWeight tokens this call may use (prompt estimate + max tokens), 0 for non-LLM calls
   * @param send        sends one attempt (a fresh request each time)
   * @param interpret   turns an answer into the result, or throws {@link ProviderException}
   *                    (any other exception is treated as a malformed body)
   */
  public <T> Future<T> call(long tokenWeight, Supplier<Future<HttpResponse<Buffer>>> send,
                            Function<HttpResponse<Buffer>, T> interpret) {
    Promise<T> result = Promise.promise();
    attempt(0, tokenWeight, send, interpret, result);
    return result.future();
  }

  private <T> void attempt(int retry, long tokenWeight, Supplier<Future<HttpResponse<Buffer>>> send,
                           Function<HttpResponse<Buffer>, T> interpret, Promise<T> result) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      result.fail(rejected());
      return;
    }
    concurrency.acquire().onComplete(pa -> {
      Permit permit = pa.result();
      long waitStart = System.nanoTime();
      Future<Void> capacity = requests.acquire(1);
      if (tokenWeight > 0) {
        capacity = capacity.compose(v -> tokens.acquire(tokenWeight));
      }
      capacity
          .compose(v -> {
            rateLimitWait.record(System.nanoTime() - waitStart, TimeUnit.NANOSECONDS);
            return breaker.<T>execute(() -> withTimeout(send.get()).map(response -> interpret(response, interpret)));
          })
          .onComplete(ar -> {
            if (ar.succeeded()) {
              permit.onSuccess();
              result.complete(ar.result());
              return;
            }
            ProviderException e = classify(ar.cause());
            if (e.status() == 429) {
              rateLimited.increment();
            }
            if (e.status() == 429 || ProviderException.TIMEOUT.equals(e.outcome())) {
              permit.onDropped();
            } else {
              permit.onIgnore();
            }
            if (e.kind() == ProviderException.Kind.TERMINAL_QUOTA && breaker.state() != CircuitBreakerState.OPEN) {
              breaker.open();
            }
            if (e.kind() != ProviderException.Kind.RETRYABLE || ProviderException.REJECTED.equals(e.outcome())
                || retry >= settings.maxRetries()) {
              result.fail(e);
              return;
            }
            long wait = e.retryAfterMs() >= 0 ? e.retryAfterMs() : settings.backoff().delayMs(retry);
            if (wait > settings.maxRetryAfterMs()) {
              result.fail(e);
              return;
            }
            // the wait holds no permit: it was released above
            vertx.setTimer(Math.max(1, wait), id -> attempt(retry + 1, tokenWeight, send, interpret, result));
          });
    });
  }

  private <T> T interpret(HttpResponse<Buffer> response, Function<HttpResponse<Buffer>, T> interpret) {
    try {
      return interpret.apply(response);
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ProviderException.malformed(settings.name(), e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + truncate(e.getMessage())));
    }
  }

  private Future<HttpResponse<Buffer>> withTimeout(Future<HttpResponse<Buffer>> sent) {
    Promise<HttpResponse<Buffer>> p = Promise.promise();
    long timer = vertx.setTimer(settings.timeoutMs(), id -> p.tryFail(timeout()));
    sent.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  private ProviderException classify(Throwable error) {
    if (error instanceof ProviderException p) {
      return p;
    }
    if (error instanceof OpenCircuitException) {
      return rejected();
    }
    String name = error.getClass().getSimpleName();
    if (name.contains("Timeout")) {
      return timeout();
    }
    // connection refused/reset, closed connection: the provider is unreachable, worth a retry
    return new ProviderException(settings.name(), ProviderException.FAILURE, ProviderException.Kind.RETRYABLE, 0, -1,
        "connection failed: " + truncate(String.valueOf(error.getMessage())));
  }

  private static boolean countsAsOutage(Throwable error) {
    if (error instanceof ProviderException p) {
      return p.countsAsOutage();
    }
    return true;
  }

  private ProviderException timeout() {
    return new ProviderException(settings.name(), ProviderException.TIMEOUT, ProviderException.Kind.RETRYABLE, 0, -1,
        "no answer within " + settings.timeoutMs() + " ms");
  }

  private ProviderException rejected() {
    return new ProviderException(settings.name(), ProviderException.REJECTED, ProviderException.Kind.RETRYABLE, 0, -1,
        "circuit breaker open, call refused");
  }

  static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
