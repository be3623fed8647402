package io.gtm.engine.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.util.function.Consumer;

/** A small client of the engine's HTTP API for the command line: JSON calls and SSE streams. */
final class ApiClient {
  private final HttpClient http;
  private final URI base;
  private final String apiKey;

  ApiClient(Vertx vertx, String server, String apiKey) {
    this.base = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
    this.apiKey = apiKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(0));
  }

  private RequestOptions options(HttpMethod method, String path, String contentType) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(base + path);
    if (contentType != null) {
      o.putHeader("Content-Type", contentType);
    }
    if (apiKey != null && !apiKey.isBlank()) {
      o.putHeader("X-API-Key", apiKey);
    }
    return o;
  }

  /** A JSON call; a 4xx/5xx fails with the server's error message. */
  Future<JsonObject> call(HttpMethod method, String path, Buffer body, String contentType) {
    return http.request(options(method, path, contentType))
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().compose(buf -> {
          if (resp.statusCode() >= 400) {
            return Future.failedFuture(new IllegalStateException(errorMessage(resp.statusCode(), buf)));
          }
          String text = buf.toString();
          if (text.startsWith("[")) {
            return Future.succeededFuture(new JsonObject().put("items", new io.vertx.core.json.JsonArray(text)));
          }
          return Future.succeededFuture(text.isBlank() ? new JsonObject() : new JsonObject(text));
        }));
  }

  /** Posts {@code body} and hands every SSE event's JSON to {@code onEvent}; completes when the stream ends. */
  Future<Void> stream(String path, JsonObject body, Consumer<JsonObject> onEvent) {
    Promise<Void> done = Promise.promise();
    http.request(options(HttpMethod.POST, path, "application/json"))
        .compose(req -> req.putHeader("Accept", "text/event-stream").send(body.toBuffer()))
        .onSuccess(resp -> {
          if (resp.statusCode() >= 400) {
            resp.body().onComplete(ar -> done.fail(errorMessage(resp.statusCode(), ar.succeeded() ? ar.result() : Buffer.buffer())));
            return;
          }
          RecordParser lines = RecordParser.newDelimited("\n", resp);
          lines.handler(line -> {
            String l = line.toString().strip();
            if (l.startsWith("data:")) {
              try {
                onEvent.accept(new JsonObject(l.substring(5).strip()));
              } catch (RuntimeException ignored) {
                // a malformed line is skipped; the stream goes on
              }
            }
          });
          lines.endHandler(v -> done.tryComplete());
          lines.exceptionHandler(done::tryFail);
        })
        .onFailure(done::tryFail);
    return done.future();
  }

  static String errorMessage(int status, Buffer body) {
    try {
      JsonObject error = new JsonObject(body.toString()).getJsonObject("error");
      String field = error.getString("field");
      return "HTTP " + status + ": " + error.getString("message") + (field == null ? "" : " (field " + field + ")");
    } catch (RuntimeException e) {
      return "HTTP " + status;
    }
  }

  void close() {
    http.close();
  }
}
