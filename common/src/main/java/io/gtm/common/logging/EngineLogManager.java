package io.gtm.common.logging;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, but for its own shutdown hook: that hook resets logging (every handler
 * closed) while the engine's hook is still stopping services, so the lines those services log on
 * the way out (a job handed back, a batch flushed) would be lost. Installed with the system
 * property {@code java.util.logging.manager} before anything logs (the jar's {@code Launcher}).
 * A reset asked for by anything else, such as {@link Logging#configure}, still happens.
 */
public final class EngineLogManager extends LogManager {
  /** The name of the JDK's shutdown-hook thread class that resets logging. */
  static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

  @Override
  public void reset() {
    if (Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
      return;
    }
    super.reset();
  }
}
