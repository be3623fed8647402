package io.gtm.gateway.http;

import io.gtm.common.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code API_KEYS}: every {@code /api}, {@code /ws} (and the unprefixed {@code /research} alias)
 * call needs {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}; a WebSocket may pass
 * {@code ?api_key=KEY}. Keys are compared as SHA-256 digests in constant time. Browser preflights
 * ({@code OPTIONS}) pass without a key. Every request gets its caller identity under
 * {@link HttpSupport#OWNER}: the key's SHA-256 hex, or the client address's when the API is open.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {
  private final List<byte[]> keyDigests;
  private final JobQuota quota;

  public ApiKeyAuth(List<String> keys, JobQuota quota) {
    this.keyDigests = keys.stream().map(k -> sha256(k.getBytes(StandardCharsets.UTF_8))).toList();
    this.quota = quota;
  }

  public boolean open() {
    return keyDigests.isEmpty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(JobQuota.CONTEXT_KEY, quota);
    ctx.put(HttpSupport.AUTH_REQUIRED, !open());
    HttpServerRequest req = ctx.request();
    if (open() || req.method() == HttpMethod.OPTIONS || !protectedPath(req.path())) {
      ctx.put(HttpSupport.OWNER, addressOwner(ctx));
      ctx.next();
      return;
    }
    String presented = presentedKey(req);
    byte[] digest = presented == null ? null : sha256(presented.getBytes(StandardCharsets.UTF_8));
    boolean match = false;
    if (digest != null) {
      for (byte[] k : keyDigests) {
        match |= MessageDigest.isEqual(k, digest); // no early exit: timing does not tell which key
      }
    }
    if (!match) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      EarlyAnswer.send(ctx, HttpSupport.ofStatus(ErrorCode.UNAUTHORIZED.code(), presented == null
          ? "an API key is required: Authorization: Bearer KEY or X-API-Key: KEY"
          : "the API key is not valid"));
      return;
    }
    ctx.put(HttpSupport.OWNER, HexFormat.of().formatHex(digest));
    ctx.next();
  }

  static boolean protectedPath(String path) {
    return path != null && (path.equals("/api") || path.startsWith("/api/") || path.equals("/ws")
        || path.startsWith("/ws/") || path.startsWith("/research/"));
  }

  private static String presentedKey(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String k = auth.substring(7).trim();
      if (!k.isEmpty()) {
        return k;
      }
    }
    String header = req.getHeader("X-API-Key");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    if (req.path().equals("/ws") || req.path().startsWith("/ws/")) {
      String q = req.getParam("api_key");
      if (q != null && !q.isBlank()) {
        return q;
      }
    }
    return null;
  }

  /** The identity of an unauthenticated caller: SHA-256 hex of its address. */
  static String addressOwner(RoutingContext ctx) {
    var addr = ctx.request().remoteAddress();
    String host = addr == null ? "unknown" : addr.hostAddress() != null ? addr.hostAddress() : addr.host();
    return HexFormat.of().formatHex(sha256(("addr:" + host).getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
