package io.gtm.engine;

/**
 * The jar's entry point: installs the engine's log manager (kept through JVM shutdown, see
 * {@code common.logging.EngineLogManager}) before any class logs, then runs {@link EngineMain}.
 * It must not log or touch a logger itself.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "io.gtm.common.logging.EngineLogManager");
    }
    EngineMain.main(args);
  }
}
