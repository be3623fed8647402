package io.gtm.gateway.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 exchange over a plain socket, for what java.net.http will not send (Upgrade, lying lengths). */
final class RawHttp {
  /** An answer; {@code truncated} when the connection ended inside a chunked body. */
  record Answer(int status, String head, String body, boolean truncated) {
    Answer(int status, String head, String body) {
      this(status, head, body, false);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private RawHttp() {}

  /** Sends {@code request} bytes and reads one answer: its head, then Content-Length bytes or up to close. */
  static Answer exchange(int port, byte[] request, int timeoutMs) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMs);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return read(s.getInputStream());
    }
  }

  static Answer exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), 10_000);
  }

  /** The status of a POST's answer, read from its head only (a streamed body is not waited for). */
  static int postStatus(int port, String pathAndQuery, String body, String... headerLines) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    sb.append("\r\n");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      byte[] head = s.getInputStream().readNBytes(12);
      return Integer.parseInt(new String(head, StandardCharsets.ISO_8859_1).substring(9, 12));
    }
  }

  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    if (h.isEmpty()) {
      throw new IOException("connection closed without an answer");
    }
    int status = Integer.parseInt(h.substring(9, 12));
    Answer partial = new Answer(status, h, "");
    String length = partial.header("Content-Length");
    String chunked = partial.header("Transfer-Encoding");
    byte[] body;
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if (chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        String size = line(in).split(";")[0].trim();
        if (size.isEmpty()) {
          return new Answer(status, h, out.toString(StandardCharsets.UTF_8), true);
        }
        int n = Integer.parseInt(size, 16);
        if (n == 0) {
          line(in);
          break;
        }
        out.write(in.readNBytes(n));
        line(in);
      }
      body = out.toByteArray();
    } else if (status == 101 || status == 204 || status == 304 || status == 100) {
      body = new byte[0];
    } else {
      body = in.readAllBytes();
    }
    return new Answer(status, h, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  /** A WebSocket upgrade request for {@code /ws} (query included), with extra header lines. */
  static String upgrade(String pathAndQuery, String... headerLines) {
    StringBuilder sb = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** A masked client text frame. */
  static byte[] textFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) payload.length >> (8 * i)) & 0xff);
      }
    }
    byte[] mask = {1, 2, 3, 4};
    out.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }
}
