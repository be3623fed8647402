package io.gtm.engine.cli;

import io.gtm.common.config.EngineConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The client commands of the command line: {@code research} and {@code summarize} against a running server. */
public final class Commands {
  static final long JOB_TIMEOUT_MINUTES = 24 * 60;

  private Commands() {}

  /** {@code research --goal G --domains FILE [--server URL] [--depth D]}; returns the exit code. */
  public static int research(EngineConfig config, String server, String goal, String domainsFile, String depth,
                             PrintStream out) {
    if (goal == null || domainsFile == null) {
      System.err.println("error: research needs --goal G and --domains FILE");
      return 2;
    }
    List<String> domains;
    try {
      domains = ResearchCommand.readDomains(Files.readAllLines(Path.of(domainsFile)));
    } catch (IOException e) {
      System.err.println("error: cannot read " + domainsFile + ": " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    ApiClient api = new ApiClient(vertx, serverUrl(config, server), apiKey(config));
    try {
      new ResearchCommand(api, out).run(goal, domains, depth).await(JOB_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      return 0;
    } catch (Exception e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }

  /** {@code summarize FILE [--server URL]}; returns the exit code. */
  public static int summarize(EngineConfig config, String server, String file, PrintStream out) {
    if (file == null) {
      System.err.println("error: summarize needs a FILE");
      return 2;
    }
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("error: cannot read " + file + ": " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    ApiClient api = new ApiClient(vertx, serverUrl(config, server), apiKey(config));
    try {
      new SummarizeCommand(vertx, api, out).run(Path.of(file).getFileName().toString(), text)
          .await(JOB_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      return 0;
    } catch (Exception e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }

  static String serverUrl(EngineConfig config, String server) {
    return server != null ? server : "http://127.0.0.1:" + config.get("HTTP_PORT", "8080");
  }

  /** The key a client sends: {@code GTM_API_KEY}, else the first of the server's {@code API_KEYS}. */
  static String apiKey(EngineConfig config) {
    String key = System.getenv("GTM_API_KEY");
    if (key != null && !key.isBlank()) {
      return key;
    }
    List<String> keys = config.getList("API_KEYS");
    return keys.isEmpty() ? null : keys.get(0);
  }

  static String resource(String name) {
    try (InputStream in = Commands.class.getResourceAsStream("/demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource demo/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
