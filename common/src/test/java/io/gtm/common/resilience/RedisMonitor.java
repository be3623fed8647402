package io.gtm.common.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What Redis itself executed on one key, in its order and with the values its scripts computed:
 * a {@code MONITOR} connection that keeps the commands naming {@code key} (those our Lua scripts
 * run are listed as well, with the Redis-clock times they computed). Tests assert on this record
 * rather than on when a starved test JVM saw an answer, so a loaded machine does not move the
 * measurement.
 */
final class RedisMonitor implements AutoCloseable {
  /** One command as Redis ran it: its arguments, the command name first (upper case). */
  record Command(List<String> args) {
    String name() {
      return args.get(0).toUpperCase();
    }

    String arg(int i) {
      return args.get(i);
    }

    long longArg(int i) {
      return Long.parseLong(args.get(i));
    }
  }

  private final Socket socket;
  private final String key;
  private final List<Command> seen = new ArrayList<>();
  private final Thread reader;

  private RedisMonitor(Socket socket, String key, BufferedReader in) {
    this.socket = socket;
    this.key = key;
    this.reader = new Thread(() -> read(in), "redis-monitor");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Monitors {@code key} from now on: returns once Redis has confirmed MONITOR. */
  static RedisMonitor start(String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", 6379);
    OutputStream out = socket.getOutputStream();
    out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String ok = in.readLine();
    if (!"+OK".equals(ok)) {
      socket.close();
      throw new IOException("MONITOR answered " + ok);
    }
    return new RedisMonitor(socket, key, in);
  }

  private void read(BufferedReader in) {
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        List<String> args = quoted(line);
        if (args.size() > 1 && args.get(1).equals(key)) {
          synchronized (this) {
            seen.add(new Command(args));
            notifyAll();
          }
        }
      }
    } catch (IOException closed) {
      // close() ends the connection
    }
  }

  /** The quoted arguments of a MONITOR line (a loop: a regular expression overflows the stack on a script). */
  static List<String> quoted(String line) {
    List<String> args = new ArrayList<>();
    StringBuilder arg = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (arg == null) {
        if (c == '"') {
          arg = new StringBuilder();
        }
      } else if (c == '\\' && i + 1 < line.length()) {
        arg.append(line.charAt(++i));
      } else if (c == '"') {
        args.add(arg.toString());
        arg = null;
      } else {
        arg.append(c);
      }
    }
    return args;
  }

  /** Every command seen so far that matches. */
  synchronized List<Command> commands(Predicate<Command> filter) {
    return seen.stream().filter(filter).toList();
  }

  /** Waits (up to {@code timeoutMs}) until {@code n} matching commands were seen, and returns them all. */
  synchronized List<Command> await(Predicate<Command> filter, int n, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<Command> matching = commands(filter);
    while (matching.size() < n) {
      long left = deadline - System.currentTimeMillis();
      assertThat(left).as("%d commands on %s seen by MONITOR, %d expected", matching.size(), key, n).isPositive();
      wait(left);
      matching = commands(filter);
    }
    return matching;
  }

  @Override
  public void close() throws Exception {
    socket.close();
    reader.join(5_000);
  }
}
