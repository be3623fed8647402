package io.gtm.engine;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged engine jar started as an OS process, its output in {@code target/it-logs}. */
public final class EngineProcess implements AutoCloseable {
  public static final List<String> JVM_FLAGS = List.of(
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  public final Process process;
  public final Path log;

  private EngineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static Path jar() {
    String jar = System.getProperty("engine.jar", "target/engine.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException("engine jar not found at " + jar + " (run mvn package first)");
    }
    return Path.of(jar);
  }

  public static EngineProcess start(String name, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-Xmx256m");
    // extra flags for a profiling or diagnostic run, e.g. ENGINE_JVM_EXTRA="-XX:StartFlightRecording=filename=x.jfr"
    String extra = System.getenv("ENGINE_JVM_EXTRA");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    Path dir = Path.of("target", "it-logs");
    Files.createDirectories(dir);
    Path log = dir.resolve(name + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    // a cluster (and research takeover scope) of its own unless the test shares one on purpose, so
    // that no engine takes over another test's unfinished research runs
    pb.environment().putIfAbsent("CLUSTER_NAME", "proc-" + name + "-" + System.nanoTime());
    return new EngineProcess(pb.start(), log);
  }

  public long pid() {
    return process.pid();
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
