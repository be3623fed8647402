package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void callersBeyondTheLimitWaitInOrderUntilAPermitIsReleased() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(vertx, "test", Limit.fixed(2));
    Permit first = limiter.acquire().await(1, TimeUnit.SECONDS);
    limiter.acquire().await(1, TimeUnit.SECONDS);
    Future<Permit> third = limiter.acquire();
    Future<Permit> fourth = limiter.acquire();
    assertThat(third.isComplete()).isFalse();
    assertThat(limiter.waiting()).isEqualTo(2);
    first.onSuccess();
    first.onSuccess(); // a second release is ignored
    third.await(1, TimeUnit.SECONDS);
    assertThat(fourth.isComplete()).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(2);
  }

  @Test
  void anAimdLimitShrinksOnDropsSoFewerCallersRun() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(vertx, "aimd", new AimdLimit(4, 1, 8, 0.5));
    Permit a = limiter.acquire().await(1, TimeUnit.SECONDS);
    limiter.acquire().await(1, TimeUnit.SECONDS);
    a.onDropped();
    assertThat(limiter.limit()).isEqualTo(2);
    limiter.acquire().await(1, TimeUnit.SECONDS);
    assertThat(limiter.acquire().isComplete()).as("2 in flight at a limit of 2").isFalse();
  }
}
