package io.gtm.common.llm;

/** An LLM call that failed for good (after retries, or a terminal error such as a bad key). */
public class LlmException extends RuntimeException {
  private final boolean terminal;

  public LlmException(String message, boolean terminal) {
    super(message, null, false, false);
    this.terminal = terminal;
  }

  /** True when retrying can never help (bad key, exhausted quota, blocked prompt). */
  public boolean terminal() {
    return terminal;
  }
}
