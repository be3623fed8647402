package io.gtm.gateway.http;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Wraps the router: a request whose path or query has an invalid {@code %} escape (or escapes that
 * are not UTF-8) gets the JSON 400 here, because vertx-web would answer it with a plain-text 400
 * that bypasses every error handler (PLATFORM.md).
 */
public final class UriGuard implements Handler<HttpServerRequest> {
  private final Handler<HttpServerRequest> next;

  public UriGuard(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest req) {
    String problem = problem(req.uri());
    if (problem == null) {
      next.handle(req);
      return;
    }
    EarlyAnswer.drain(req);
    req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
        .end(ApiException.errorBody(ErrorCode.BAD_REQUEST, problem, "uri").encode());
  }

  /** Why {@code uri} cannot be decoded, or null when it can. */
  static String problem(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "empty request URI";
    }
    int hash = uri.indexOf('#');
    String s = hash >= 0 ? uri.substring(0, hash) : uri;
    ByteBuffer bytes = ByteBuffer.allocate(s.length());
    boolean escaped = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          return "invalid percent-escape in the request URI";
        }
        bytes.put((byte) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        escaped = true;
        i += 2;
      } else if (c < 0x20 || c == 0x7f) {
        return "control character in the request URI";
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        // raw non-ASCII: count as one valid byte; Netty already decoded the line
        bytes.put((byte) 'x');
      }
    }
    if (escaped) {
      bytes.flip();
      try {
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes);
      } catch (CharacterCodingException e) {
        return "percent-escapes in the request URI are not UTF-8";
      }
    }
    return null;
  }
}
