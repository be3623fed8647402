package io.gtm.gateway.security;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client for tests: received messages in a queue, the close status in a future. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
  public final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  /** The server's close status code, or -1 when the connection failed without a close frame. */
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  public static WsClient connect(int port, String key) throws Exception {
    WsClient c = new WsClient();
    c.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + key)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  public void send(JsonObject msg) throws Exception {
    ws.sendText(msg.encode(), true).get(10, TimeUnit.SECONDS);
  }

  public void sendText(String text) throws Exception {
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next message, or null after {@code ms}. */
  public JsonObject next(long ms) throws InterruptedException {
    return messages.poll(ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(new JsonObject(partial.toString()));
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    if (ws != null && !ws.isOutputClosed()) {
      ws.abort();
    }
  }
}
