package io.gtm.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers before the request body is read (401, 413, bad URI) without losing the answer: the
 * rest of the body is read and discarded and the connection is not closed, because closing a
 * socket with unread bytes makes the kernel send a reset that can wipe the answer (PLATFORM.md).
 */
final class EarlyAnswer {
  private EarlyAnswer() {}

  static void send(RoutingContext ctx, HttpSupport.HttpError error) {
    drain(ctx.request());
    HttpSupport.answer(ctx, error);
  }

  static void drain(HttpServerRequest req) {
    if (!req.isEnded()) {
      req.handler(buf -> { });
      req.exceptionHandler(e -> { });
      req.resume();
    }
  }
}
