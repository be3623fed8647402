package io.gtm.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The path every simulated call takes: count it, check the key, validate, terminal quota,
 * sliding-window rate limit, fault dice, latency, answer. Each provider supplies its own
 * wire format for every refusal through {@link Wire}.
 */
final class Gate {
  /** A provider's error bodies and key extraction. */
  interface Wire {
    /** The key the request carries, or null when it carries none. */
    String key(RoutingContext ctx);

    void unauthorized(RoutingContext ctx, boolean missing);

    void rateLimited(RoutingContext ctx, ProviderState.Admission a);

    void terminalQuota(RoutingContext ctx);

    void serverError(RoutingContext ctx, int status);

    /** Provider that needs no key (Greenhouse). */
    default boolean open() {
      return false;
    }
  }

  /** What a validated request costs and how it is answered. */
  record Work(long promptTokens, long tokenCost, double latencyFactor, Answer answer) {}

  interface Answer {
    /** Writes the success answer; {@code malformed}: a 200 whose JSON body is cut short. */
    void send(RoutingContext ctx, boolean malformed);
  }

  /** Validates the request; answers a 400 itself and returns null when it is invalid. */
  interface Parser {
    Work parse(RoutingContext ctx);
  }

  private final Vertx vertx;

  Gate(Vertx vertx) {
    this.vertx = vertx;
  }

  void handle(RoutingContext ctx, ProviderState state, Wire wire, Parser parser) {
    long now = System.currentTimeMillis();
    state.arrived(now);
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish = () -> {
      if (done.compareAndSet(false, true)) state.finished();
    };
    ctx.response().endHandler(v -> finish.run());
    ctx.response().closeHandler(v -> finish.run());
    ctx.addHeadersEndHandler(v -> state.answered(ctx.response().getStatusCode()));

    Knobs knobs = state.knobs();
    if (!wire.open()) {
      String key = wire.key(ctx);
      if (key == null || key.isBlank()) {
        wire.unauthorized(ctx, true);
        return;
      }
      if (!knobs.apiKeys.isEmpty() && !knobs.apiKeys.contains(key)) {
        wire.unauthorized(ctx, false);
        return;
      }
    }
    Work work = parser.parse(ctx);
    if (work == null) {
      if (!ctx.response().ended() && !ctx.response().headWritten()) wire.serverError(ctx, 500);
      return;
    }
    if (knobs.terminalQuota) {
      wire.terminalQuota(ctx);
      return;
    }
    ProviderState.Admission admission = state.admit(now, work.tokenCost());
    if (!admission.admitted()) {
      wire.rateLimited(ctx, admission);
      return;
    }
    if (knobs.rpm > 0) {
      ctx.put("admission", admission);
    }
    ProviderState.Fault fault = state.rollFault();
    if (fault == ProviderState.Fault.HANG) {
      state.hung();
      return;
    }
    long delay = Math.round(state.drawLatencyMs(work.promptTokens()) * work.latencyFactor());
    Runnable answer = () -> {
      if (ctx.response().closed()) return;
      switch (fault) {
        case ERROR_500 -> wire.serverError(ctx, 500);
        case ERROR_503 -> wire.serverError(ctx, 503);
        case MALFORMED -> {
          state.malformedSent();
          work.answer().send(ctx, true);
        }
        default -> work.answer().send(ctx, false);
      }
    };
    if (delay <= 0) {
      answer.run();
    } else {
      vertx.setTimer(delay, id -> answer.run());
    }
  }

  /** Writes a JSON body, or the first half of it when {@code malformed}. */
  static void json(RoutingContext ctx, int status, JsonObject body, boolean malformed) {
    String text = body.encode();
    if (malformed) text = text.substring(0, Math.max(1, text.length() / 2));
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body, false);
  }

  static long retryAfterSeconds(ProviderState.Admission a) {
    return Math.max(1, (a.retryAfterMs() + 999) / 1000);
  }

  /** Go-style duration as OpenAI's x-ratelimit-reset-* headers print it: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
  static String goDuration(long ms) {
    if (ms < 1000) return ms + "ms";
    long minutes = ms / 60_000;
    double seconds = (ms % 60_000) / 1000.0;
    String s = seconds == Math.floor(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    return minutes > 0 ? minutes + "m" + s + "s" : s + "s";
  }
}
