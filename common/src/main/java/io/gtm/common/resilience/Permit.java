package io.gtm.common.resilience;

/**
 * One unit of capacity taken from a limiter (shaped like Netflix concurrency-limits' Listener).
 * Exactly one of the three must be called; later calls are ignored.
 */
public interface Permit {
  /** The call succeeded; the limit may grow. */
  void onSuccess();

  /** The call was throttled or timed out (429, timeout): the limit should shrink. */
  void onDropped();

  /** The call ended in a way that says nothing about capacity (bad request, 5xx, cancelled). */
  void onIgnore();
}
