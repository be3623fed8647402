package io.gtm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BufferChunksTest {
  @Test
  void whatIsWrittenInPiecesOfAnySizeIsServedWholeWithItsLength() throws Exception {
    byte[] text = new byte[3 * BufferChunks.CHUNK + 17];
    new Random(7).nextBytes(text);
    BufferChunks chunks = new BufferChunks();
    int at = 0;
    int[] pieces = {1, 100, BufferChunks.CHUNK - 101, BufferChunks.CHUNK + 5, 3};
    for (int i = 0; at < text.length; i++) {
      int n = Math.min(pieces[i % pieces.length], text.length - at);
      if (n == 1) {
        chunks.write(text[at]);
      } else {
        chunks.write(text, at, n);
      }
      at += n;
    }
    assertThat(chunks.size()).isEqualTo(text.length);

    Vertx vertx = Vertx.vertx();
    try {
      int port = vertx.createHttpServer().requestHandler(req -> chunks.send(req.response()))
          .listen(0).await(10, TimeUnit.SECONDS).actualPort();
      HttpResponse<byte[]> res = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(res.headers().firstValue("Content-Length")).hasValue(Integer.toString(text.length));
      assertThat(res.headers().firstValue("Transfer-Encoding")).isEmpty();
      assertThat(res.body()).isEqualTo(text);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
