package io.gtm.gateway.http;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking HTTP client for tests, talking to a real server on 127.0.0.1. */
public final class TestHttp {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  public TestHttp(int port) {
    this.port = port;
  }

  public HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10));
  }

  public HttpResponse<String> send(HttpRequest.Builder req) throws Exception {
    return client.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = request(path).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  /** Sends {@code request} as raw bytes and returns everything the server answers until it closes. */
  public static String raw(TestHttp target, String request) throws java.io.IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", target.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public static JsonObject json(HttpResponse<String> res) {
    return new JsonObject(res.body());
  }

  /** The {@code error} object of a JSON error answer (fails if the body is not one). */
  public static JsonObject error(HttpResponse<String> res) {
    JsonObject error = json(res).getJsonObject("error");
    if (error == null) {
      throw new AssertionError("not a JSON error body: " + res.body());
    }
    return error;
  }
}
