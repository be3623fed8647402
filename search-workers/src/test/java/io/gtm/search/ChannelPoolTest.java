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
          new ArrayList<>(started).forEach(p -> p.tryComplete("x"));
          vertx.setTimer(20, t3 -> ctx.verify(() -> {
            new ArrayList<>(started).forEach(p -> p.tryComplete("x"));
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
  void aFinishedCallStartsTheNextWaitingOneAtOnceOnItsContext(Vertx vertx, VertxTestContext ctx) {
    String name = "test-" + UUID.randomUUID();
    vertx.runOnContext(v -> {
      ChannelPool pool = ChannelPool.named(vertx, name, 1, new SimpleMeterRegistry());
      List<Promise<String>> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pool.submit(vertx, 1, () -> {
          Promise<String> p = Promise.promise();
          started.add(p);
          return p.future();
        });
      }
      ctx.verify(() -> {
        assertThat(started).hasSize(1);
        started.get(0).complete("a");
        // handed over in the same turn of the event loop, not queued behind other tasks
        assertThat(started).hasSize(2);
        assertThat(pool.inFlight()).isEqualTo(1);
        assertThat(pool.waiting()).isEqualTo(1);
        assertThat(pool.busySeconds()).isPositive();
      });
      ctx.completeNow();
    });
  }

  @Test
  void aCallFinishingUnderAnotherMessagesContextStillStartsTheNextAtOnce(Vertx vertx, VertxTestContext ctx) {
    // as in search-workers: each bus message runs under a context of its own on the verticle's
    // event loop, and a search finishes under whichever context its client completed on
    String name = "test-" + UUID.randomUUID();
    String submit = "pool-test.submit." + name;
    String finish = "pool-test.finish." + name;
    List<Promise<String>> started = new ArrayList<>();
    vertx.runOnContext(v -> {
      ChannelPool pool = ChannelPool.named(vertx, name, 1, new SimpleMeterRegistry());
      vertx.eventBus().<String>consumer(submit, msg -> pool.submit(vertx, 1, () -> {
        Promise<String> p = Promise.promise();
        started.add(p);
        return p.future();
      }).onSuccess(msg::reply));
      vertx.eventBus().<String>consumer(finish, msg -> ctx.verify(() -> {
        assertThat(started).hasSize(1);
        started.get(0).complete("first");
        assertThat(started).hasSize(2);
        msg.reply("ok");
      }));
      vertx.eventBus().request(submit, "a").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
        assertThat(r.body()).isEqualTo("first");
        ctx.completeNow();
      })));
      vertx.eventBus().request(submit, "b");
      vertx.eventBus().request(finish, "go").onFailure(ctx::failNow);
    });
  }

  @Test
  void callsThatFinishAtOnceDoNotNestWithoutBound(Vertx vertx, VertxTestContext ctx) {
    String name = "test-" + UUID.randomUUID();
    int calls = 20_000;
    vertx.runOnContext(v -> {
      ChannelPool pool = ChannelPool.named(vertx, name, 1, new SimpleMeterRegistry());
      Promise<String> first = Promise.promise();
      List<Future<String>> results = new ArrayList<>();
      results.add(pool.submit(vertx, 1, first::future));
      for (int i = 1; i < calls; i++) {
        results.add(pool.submit(vertx, 1, () -> Future.succeededFuture("x")));
      }
      // 19,999 waiting calls that each complete synchronously: a handover chain this long would
      // overflow the stack if every one started the next inside it
      first.complete("a");
      Future.all(results).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertThat(pool.inFlight()).isZero();
        assertThat(pool.waiting()).isZero();
        ctx.completeNow();
      })));
    });
  }

  @Test
  void defaultPoolIsAQuarterOfTheChannelPoolButAtLeastTwo() {
    assertThat(ChannelPool.defaultLimit(20)).isEqualTo(5);
    assertThat(ChannelPool.defaultLimit(4)).isEqualTo(2);
    assertThat(ChannelPool.defaultLimit(1)).isEqualTo(2);
  }
}
