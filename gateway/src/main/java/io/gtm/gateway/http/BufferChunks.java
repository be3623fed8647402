package io.gtm.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An output stream kept as a list of buffers of at most {@link #CHUNK} bytes each: a large text
 * (a Prometheus scrape is about 600 kB) is produced without one large array, so that each scrape
 * does not make the garbage collector handle several humongous objects. Written by one thread,
 * then {@link #send sent} on the response's own context.
 */
public final class BufferChunks extends OutputStream {
  /** Bytes per buffer: well under half a G1 region (1 MiB at small heaps), so never humongous. */
  static final int CHUNK = 64 * 1024;

  private final List<Buffer> chunks = new ArrayList<>();
  private Buffer current;
  private long size;

  @Override
  public void write(int b) {
    room().appendByte((byte) b);
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      Buffer into = room();
      int n = Math.min(length, CHUNK - into.length());
      into.appendBytes(bytes, offset, n);
      offset += n;
      length -= n;
      size += n;
    }
  }

  private Buffer room() {
    if (current == null || current.length() == CHUNK) {
      current = Buffer.buffer(CHUNK);
      chunks.add(current);
    }
    return current;
  }

  public long size() {
    return size;
  }

  /** Ends {@code response} with what was written, with its Content-Length. */
  public Future<Void> send(HttpServerResponse response) {
    response.putHeader("Content-Length", Long.toString(size));
    for (Buffer chunk : chunks) {
      response.write(chunk);
    }
    return response.end();
  }
}
