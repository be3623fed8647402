package io.gtm.engine.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal; plain progress lines (every 10 %) elsewhere. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final String label;
  private final boolean terminal = System.console() != null;
  private int lastDecile = -1;

  ProgressBar(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  void update(long done, long total, String detail) {
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    String line = String.format("%-10s [%s%s] %3d%% %d/%d %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
        Math.round(fraction * 100), done, total, detail == null ? "" : detail);
    if (terminal) {
      out.print("\r" + line);
      if (done >= total && total > 0) {
        out.println();
      }
    } else {
      int decile = (int) (fraction * 10);
      if (decile != lastDecile) {
        lastDecile = decile;
        out.println(line);
      }
    }
    out.flush();
  }
}
