package io.gtm.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ChannelPoolTest {

  @Test
  void holdsCallsBeyondTheLimitUntilOneFinishesInArrivalOrder(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String name = "test-" + UUID.randomUUID();
    vertx.runOnContext(v -> {
      ChannelPool pool = ChannelPool.named(vertx, name, 2, registry);
      List<Promise<String>> started = new ArrayList<>();
      List<String> order = new ArrayList<>();
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        results.add(pool.submit(vertx, 2, () -> {
          order.add("start" + n);
          Promise<String> p = Promise.promise();
          started.add(p);
          return p.future();
        }));
      }
      vertx.setTimer(20, t -> ctx.verify(() -> {
        assertThat(pool.inFlight()).isEqualTo(2);
        assertThat(pool.waiting()).isEqualTo(3);
        assertThat(registry.get("gtm.pool.in.flight").tag("pool", name).gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("gtm.pool.limit").tag("pool", name).gauge().value()).isEqualTo(2.0);
        started.get(0).complete("a");
        vertx.setTimer(20, t2 -> ctx.verify(() -> {
          assertThat(order).containsExactly("start0", "start1", "start2");
          assertThat(pool.inFlight()).isEqualTo(2);
          started.forEach(p -> p.tryComplete("x"));
          vertx.setTimer(20, t3 -> ctx.verify(() -> {
            started.forEach(p -> p.tryComplete("x"));
            vertx.setTimer(20, t4 -> ctx.verify(() -> {
              assertThat(order).hasSize(5);
              assertThat(pool.inFlight()).isZero();
              assertThat(results).allMatch(Future::succeeded);
              ctx.completeNow();
            }));
          }));
        }));
      }));
    });
  }

  @Test
  void defaultPoolIsAQuarterOfTheChannelPoolButAtLeastTwo() {
    assertThat(ChannelPool.defaultLimit(20)).isEqualTo(5);
    assertThat(ChannelPool.defaultLimit(4)).isEqualTo(2);
    assertThat(ChannelPool.defaultLimit(1)).isEqualTo(2);
  }
}
