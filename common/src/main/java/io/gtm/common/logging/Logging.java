package io.gtm.common.logging;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on standard error, plain text or JSON lines ({@code LOG_FORMAT=json}).
 * Every registered secret (API keys, provider keys, passwords) is masked in every line, whatever
 * logged it.
 */
public final class Logging {
  private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

  private Logging() {}

  private static volatile boolean json;

  public static void configure(String format) {
    json = "json".equals(format);
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter("json".equals(format) ? new JsonFormatter() : new LineFormatter());
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
    // Vert.x registers some gauges once per verticle instance; the duplicate is harmless
    Logger.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.SEVERE);
  }

  /**
   * Writes one log line straight to standard error, in the configured format. For shutdown hooks:
   * the JDK's own hook resets {@code java.util.logging} concurrently, so a logger may drop the line.
   */
  public static void direct(Level level, String logger, String message) {
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName(logger);
    System.err.print(json ? new JsonFormatter().format(record) : new LineFormatter().format(record));
    System.err.flush();
  }

  /** Values that must never appear in a log line. Short values are ignored (too likely to collide). */
  public static void registerSecrets(Collection<String> secrets) {
    for (String s : secrets) {
      if (s != null && s.length() >= 6) {
        SECRETS.add(s);
      }
    }
  }

  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : SECRETS) {
      if (out.contains(s)) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }

  private static String message(LogRecord record) {
    String msg = record.getMessage();
    Object[] params = record.getParameters();
    if (params != null && params.length > 0 && msg != null && msg.contains("{")) {
      try {
        msg = java.text.MessageFormat.format(msg, params);
      } catch (IllegalArgumentException ignored) {
        // keep the raw message
      }
    }
    return msg;
  }

  private static String thrown(LogRecord record) {
    if (record.getThrown() == null) {
      return null;
    }
    StringWriter sw = new StringWriter();
    record.getThrown().printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "";
    }
    int i = logger.lastIndexOf('.');
    return i < 0 ? logger : logger.substring(i + 1);
  }

  static final class LineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder sb = new StringBuilder()
          .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
          .append(record.getLevel().getName()).append(' ')
          .append(shortName(record.getLoggerName())).append(": ")
          .append(message(record));
      String t = thrown(record);
      if (t != null) {
        // keep one line per event: the trace follows on the same line, newlines escaped
        sb.append(" | ").append(t.replace("\n", "\\n").replace("\t", " "));
      }
      return redact(sb.toString()) + System.lineSeparator();
    }
  }

  static final class JsonFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      JsonObject json = new JsonObject()
          .put("ts", Instant.ofEpochMilli(record.getMillis()).toString())
          .put("level", record.getLevel().getName())
          .put("logger", record.getLoggerName())
          .put("msg", message(record));
      String t = thrown(record);
      if (t != null) {
        json.put("error", t);
      }
      return redact(json.encode()) + System.lineSeparator();
    }
  }
}
