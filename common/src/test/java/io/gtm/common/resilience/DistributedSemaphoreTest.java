package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.redis.RedisConnections;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DistributedSemaphoreTest {
  private static final String REDIS = "redis://127.0.0.1:6379";
  private final Vertx a = Vertx.vertx();
  private final Vertx b = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    a.close().await(5, TimeUnit.SECONDS);
    b.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void permitsAreLimitedAcrossInstancesAndAllAreUsed() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    DistributedSemaphore sa = new DistributedSemaphore(a, RedisConnections.shared(a, REDIS), key, 3);
    DistributedSemaphore sb = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 3);
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger maxInUse = new AtomicInteger();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Vertx vertx = i % 2 == 0 ? a : b;
      DistributedSemaphore s = i % 2 == 0 ? sa : sb;
      all.add(s.acquire().compose(permit -> {
        maxInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
        Promise<Void> held = Promise.promise();
        vertx.setTimer(50, t -> {
          inUse.decrementAndGet();
          permit.onSuccess();
          held.complete();
        });
        return held.future();
      }));
    }
    Future.all(all).await(10, TimeUnit.SECONDS);
    assertThat(maxInUse.get()).isEqualTo(3);
  }

  @Test
  void aDeadHoldersLeaseExpiresAndItsPermitComesBack() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    Vertx process = Vertx.vertx();
    DistributedSemaphore dead = new DistributedSemaphore(process, RedisConnections.shared(process, REDIS), key, 1, 300, 20);
    dead.acquire().await(5, TimeUnit.SECONDS); // never released
    process.close().await(5, TimeUnit.SECONDS); // the holder dies: no renewal, no give-back
    DistributedSemaphore alive = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 1, 300, 20);
    long start = System.currentTimeMillis();
    alive.acquire().await(5, TimeUnit.SECONDS);
    assertThat(System.currentTimeMillis() - start).isBetween(150L, 2_000L);
  }

  @Test
  void closingGivesEveryHeldLeaseBackAtOnceAndFailsTheWaiters() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    // leases of a minute: only a give-back lets the other process in within the test's bounds
    DistributedSemaphore stopping = new DistributedSemaphore(a, RedisConnections.shared(a, REDIS), key, 2, 60_000, 20);
    stopping.acquire().await(5, TimeUnit.SECONDS);
    stopping.acquire().await(5, TimeUnit.SECONDS);
    Future<Permit> waiting = stopping.acquire();
    DistributedSemaphore other = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 2, 60_000, 20);
    Future<Permit> first = other.acquire();
    Future<Permit> second = other.acquire();
    assertThat(first.isComplete()).isFalse();
    stopping.close().await(5, TimeUnit.SECONDS);
    assertThat(stopping.held()).isZero();
    first.await(5, TimeUnit.SECONDS);
    second.await(5, TimeUnit.SECONDS);
    pollUntil(waiting::isComplete, "the waiter of the closed semaphore is told");
    assertThat(waiting.failed()).isTrue();
    assertThat(stopping.acquire().failed()).isTrue();
  }

  @Test
  void heldLeasesAreRenewedBeyondTheirLength() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    DistributedSemaphore holder = new DistributedSemaphore(a, RedisConnections.shared(a, REDIS), key, 1, 300, 20);
    Permit p = holder.acquire().await(5, TimeUnit.SECONDS);
    DistributedSemaphore other = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 1, 300, 20);
    Future<Permit> waiting = other.acquire();
    long deadline = System.currentTimeMillis() + 900; // three lease lengths
    while (System.currentTimeMillis() < deadline) {
      assertThat(waiting.isComplete()).isFalse();
      Thread.sleep(20); // observing over time is the point of this test
    }
    p.onSuccess();
    waiting.await(2, TimeUnit.SECONDS);
  }

  @Test
  void holdersSeeWhenAnotherProcessWaits() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    DistributedSemaphore one = new DistributedSemaphore(a, RedisConnections.shared(a, REDIS), key, 1, 5_000, 20);
    DistributedSemaphore two = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 1, 5_000, 20);
    Permit first = one.acquire().await(5, TimeUnit.SECONDS);
    Thread.sleep(300); // a few checks of a lone holder: nobody waits
    assertThat(one.othersWaiting()).isFalse();
    Future<Permit> waiting = two.acquire();
    pollUntil(one::othersWaiting, "the holder sees the other process waiting");
    assertThat(two.othersWaiting()).isFalse(); // it holds nothing
    first.onSuccess();
    Permit second = waiting.await(5, TimeUnit.SECONDS);
    Future<Permit> again = one.acquire();
    pollUntil(two::othersWaiting, "the new holder sees the first process waiting");
    assertThat(again.isComplete()).isFalse(); // never two permits of one
    second.onSuccess();
    again.await(5, TimeUnit.SECONDS).onSuccess();
    pollUntil(() -> !one.othersWaiting() && !two.othersWaiting(), "nobody waits once both are served");
  }

  private static void pollUntil(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      Thread.sleep(10); // polling a condition with a deadline
    }
  }
}
