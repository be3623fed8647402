package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {

  @Test
  void aUnitAskedForAgainWhileRunningJoinsTheFirstCopyAndRunsAgainOnceDone() {
    InFlight<String, Integer> units = new InFlight<>();
    AtomicInteger calls = new AtomicInteger();
    Promise<Integer> held = Promise.promise();
    Future<Integer> first = units.run("a", () -> {
      calls.incrementAndGet();
      return held.future();
    });
    Future<Integer> again = units.run("a", () -> Future.succeededFuture(calls.incrementAndGet()));
    Future<Integer> other = units.run("b", () -> Future.succeededFuture(100 + calls.incrementAndGet()));
    assertThat(calls).hasValue(2);
    assertThat(units.joined()).isEqualTo(1);
    assertThat(units.size()).isEqualTo(1);
    assertThat(other.result()).isEqualTo(102);

    held.complete(7);
    assertThat(first.result()).isEqualTo(7);
    assertThat(again.result()).isEqualTo(7);
    assertThat(units.size()).isZero();
    // not a cache: the same unit after it finished runs again
    assertThat(units.run("a", () -> Future.succeededFuture(calls.incrementAndGet())).result()).isEqualTo(3);
  }

  @Test
  void aFailureReachesEveryCopyAndIsNotKept() {
    InFlight<String, Integer> units = new InFlight<>();
    Promise<Integer> held = Promise.promise();
    Future<Integer> first = units.run("a", held::future);
    Future<Integer> again = units.run("a", () -> Future.succeededFuture(1));
    held.fail("provider down");
    assertThat(first.cause()).hasMessage("provider down");
    assertThat(again.cause()).hasMessage("provider down");
    Future<Integer> thrown = units.run("b", () -> {
      throw new IllegalStateException("bad unit");
    });
    assertThat(thrown.cause()).hasMessage("bad unit");
    assertThat(units.size()).isZero();
  }
}
