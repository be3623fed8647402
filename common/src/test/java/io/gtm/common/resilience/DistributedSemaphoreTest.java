package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.redis.RedisConnections;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
    List<RedisMonitor.Command> log;
    try (RedisMonitor monitor = RedisMonitor.start(key)) {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Vertx vertx = i % 2 == 0 ? a : b;
        DistributedSemaphore s = i % 2 == 0 ? sa : sb;
        all.add(s.acquire().compose(permit -> {
          Promise<Void> held = Promise.promise();
          vertx.setTimer(50, t -> {
            permit.onSuccess();
            held.complete();
          });
          return held.future();
        }));
      }
      Future.all(all).await(30, TimeUnit.SECONDS);
      log = monitor.await(c -> c.name().equals("ZREM"), 12, 10_000);
      log = monitor.commands(c -> true);
    }
    // the leases as Redis held them, replayed in Redis's own order: a grant is the script's ZADD,
    // a release the holder's ZREM (30 s leases: none expires here)
    Set<String> leases = new HashSet<>();
    int most = 0;
    int granted = 0;
    for (RedisMonitor.Command c : log) {
      if (c.name().equals("ZADD") && !c.arg(2).equalsIgnoreCase("XX")) {
        leases.add(c.arg(3));
        granted++;
      } else if (c.name().equals("ZREM")) {
        leases.remove(c.arg(2));
      }
      most = Math.max(most, leases.size());
    }
    assertThat(granted).isEqualTo(12);
    assertThat(most).as("most leases held at once").isEqualTo(3);
  }

  @Test
  void aDeadHoldersLeaseExpiresAndItsPermitComesBack() throws Exception {
    String key = "test:sem:" + UUID.randomUUID();
    long lease = 300;
    try (RedisMonitor monitor = RedisMonitor.start(key)) {
      Vertx process = Vertx.vertx();
      DistributedSemaphore dead = new DistributedSemaphore(process, RedisConnections.shared(process, REDIS), key, 1, lease, 20);
      dead.acquire().await(5, TimeUnit.SECONDS); // never released
      process.close().await(5, TimeUnit.SECONDS); // the holder dies: no renewal, no give-back
      DistributedSemaphore alive = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 1, lease, 20);
      alive.acquire().await(5, TimeUnit.SECONDS);
      // Redis's record: a ZADD scores a lease with its expiry (grant or renewal, Redis clock)
      String deadLease = monitor.await(c -> c.name().equals("ZADD"), 1, 10_000).get(0).arg(3);
      RedisMonitor.Command aliveGrant = monitor.await(c -> c.name().equals("ZADD") && !c.arg(3).equals(deadLease)
          && !c.arg(2).equalsIgnoreCase("XX"), 1, 10_000).get(0);
      long deadExpiry = monitor.commands(c -> c.name().equals("ZADD") && c.arg(c.args().size() - 1).equals(deadLease))
          .stream()
          .mapToLong(c -> c.longArg(c.args().size() - 2)).max().orElseThrow();
      long aliveGrantedAt = aliveGrant.longArg(2) - lease;
      // the permit came back, and not before the dead holder's lease ran out
      assertThat(aliveGrantedAt).as("grant to the live process vs expiry of the dead one's lease, Redis ms")
          .isGreaterThanOrEqualTo(deadExpiry);
    }
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
    // the renewal timer runs every lease / 3 and must fire before the lease ends: 2 s leases leave
    // a starved JVM over a second of slack (a 300 ms lease did not, on a loaded 2-core machine)
    long lease = 2_000;
    try (RedisMonitor monitor = RedisMonitor.start(key)) {
      DistributedSemaphore holder = new DistributedSemaphore(a, RedisConnections.shared(a, REDIS), key, 1, lease, 20);
      Permit p = holder.acquire().await(5, TimeUnit.SECONDS);
      DistributedSemaphore other = new DistributedSemaphore(b, RedisConnections.shared(b, REDIS), key, 1, lease, 20);
      Future<Permit> waiting = other.acquire();
      RedisMonitor.Command grant = monitor.await(c -> c.name().equals("ZADD"), 1, 10_000).get(0);
      long grantedAt = grant.longArg(2) - lease;
      Predicate<RedisMonitor.Command> isGrant = c -> c.name().equals("ZADD") && !c.arg(2).equalsIgnoreCase("XX");
      // every attempt of the other process runs ZREMRANGEBYSCORE key -inf <Redis now>: wait for one
      // made two lease lengths after the grant, by Redis's clock (or for a second grant: a lease lost)
      monitor.await(c -> c.name().equals("ZREMRANGEBYSCORE") && c.longArg(3) >= grantedAt + 2 * lease
          || isGrant.test(c) && !c.arg(3).equals(grant.arg(3)), 1, 20_000);
      // ... which, like every attempt before it, found the holder's lease alive: no second grant
      List<RedisMonitor.Command> grants = monitor.commands(isGrant);
      assertThat(grants).as("grants while the holder held its renewed lease").hasSize(1);
      assertThat(monitor.commands(c -> c.name().equals("ZADD") && c.arg(2).equalsIgnoreCase("XX"))).as("renewals")
          .isNotEmpty();
      assertThat(waiting.isComplete()).isFalse();
      p.onSuccess();
      waiting.await(5, TimeUnit.SECONDS);
    }
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
