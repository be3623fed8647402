package io.gtm.simulator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.TreeMap;

/**
 * Knobs, sliding windows and counters of one provider. Every method is synchronized: the server
 * runs on one event loop, but tests and the admin API read from other threads.
 */
public final class ProviderState {
  /** What the dice decided for one request. */
  public enum Fault { NONE, ERROR_500, ERROR_503, HANG, MALFORMED }

  /** Outcome of the rate limiter: admitted, or refused with a wait. */
  public record Admission(boolean admitted, boolean byTokens, long retryAfterMs, int limit, int remaining,
                          long resetMs, long tokenLimit, long tokensRemaining) {}

  private final String name;
  private Knobs knobs;
  private Random faultRandom;
  private Random latencyRandom;
  private Random contentRandom;

  private final TimeWindow accepted = new TimeWindow();
  private final ArrayDeque<long[]> acceptedTokens = new ArrayDeque<>();
  private long tokensInWindow;
  private final TimeWindow arrivals = new TimeWindow();

  private long requestsTotal;
  private final TreeMap<String, Long> byStatus = new TreeMap<>();
  private long rateLimited;
  private long maxWindowRequests;
  private long maxWindowAccepted;
  private int inFlight;
  private int maxInFlight;
  private long hangs;
  private long malformed;
  private long promptTokens;
  private long completionTokens;

  ProviderState(String name, Knobs knobs) {
    this.name = name;
    setKnobs(knobs);
  }

  public String name() {
    return name;
  }

  public synchronized Knobs knobs() {
    return knobs.copy();
  }

  /** Partial update; a new seed restarts the random sequences. */
  public synchronized void configure(JsonObject partial) {
    Knobs next = knobs.copy().merge(partial);
    boolean reseed = partial.containsKey("seed");
    knobs = next;
    if (reseed) seedRandoms();
  }

  synchronized void setKnobs(Knobs k) {
    knobs = k.copy();
    seedRandoms();
  }

  private void seedRandoms() {
    faultRandom = new Random(knobs.seed);
    latencyRandom = new Random(knobs.seed * 31 + 7);
    contentRandom = new Random(knobs.seed * 17 + 3);
  }

  public synchronized void resetStats() {
    accepted.clear();
    acceptedTokens.clear();
    tokensInWindow = 0;
    arrivals.clear();
    requestsTotal = 0;
    byStatus.clear();
    rateLimited = 0;
    maxWindowRequests = 0;
    maxWindowAccepted = 0;
    maxInFlight = inFlight;
    hangs = 0;
    malformed = 0;
    promptTokens = 0;
    completionTokens = 0;
  }

  /** A request arrived: counts it and its place in the sliding window of arrivals. */
  public synchronized void arrived(long now) {
    requestsTotal++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    arrivals.add(now);
    prune(arrivals, now);
    maxWindowRequests = Math.max(maxWindowRequests, arrivals.size());
  }

  public synchronized void finished() {
    inFlight = Math.max(0, inFlight - 1);
  }

  public synchronized void answered(int status) {
    byStatus.merge(Integer.toString(status), 1L, Long::sum);
    if (status == 429) rateLimited++;
  }

  public synchronized void hung() {
    hangs++;
  }

  public synchronized void malformedSent() {
    malformed++;
  }

  public synchronized void tokens(long prompt, long completion) {
    promptTokens += prompt;
    completionTokens += completion;
  }

  /**
   * Sliding-window admission: at most {@code rpm} requests (and {@code tpm} tokens) accepted in any
   * window. A refused request is not counted, as the providers do not bill it.
   */
  public synchronized Admission admit(long now, long tokens) {
    prune(accepted, now);
    while (!acceptedTokens.isEmpty() && acceptedTokens.peekFirst()[0] <= now - knobs.windowMs) {
      tokensInWindow -= acceptedTokens.pollFirst()[1];
    }
    int limit = knobs.rpm;
    if (limit > 0 && accepted.size() >= limit) {
      long wait = accepted.oldest() + knobs.windowMs - now;
      return new Admission(false, false, Math.max(1, wait), limit, 0, Math.max(1, wait), knobs.tpm,
          Math.max(0, knobs.tpm - tokensInWindow));
    }
    if (knobs.tpm > 0 && tokensInWindow + tokens > knobs.tpm && !acceptedTokens.isEmpty()) {
      long need = tokensInWindow + tokens - knobs.tpm;
      long wait = 1;
      long freed = 0;
      for (long[] e : acceptedTokens) {
        freed += e[1];
        if (freed >= need) {
          wait = Math.max(1, e[0] + knobs.windowMs - now);
          break;
        }
      }
      return new Admission(false, true, wait, limit, Math.max(0, limit - accepted.size()), wait, knobs.tpm,
          Math.max(0, knobs.tpm - tokensInWindow));
    }
    accepted.add(now);
    maxWindowAccepted = Math.max(maxWindowAccepted, accepted.size());
    if (knobs.tpm > 0) {
      acceptedTokens.addLast(new long[] {now, tokens});
      tokensInWindow += tokens;
    }
    long reset = accepted.oldest() + knobs.windowMs - now;
    return new Admission(true, false, 0, limit, limit > 0 ? limit - accepted.size() : 0, Math.max(0, reset),
        knobs.tpm, Math.max(0, knobs.tpm - tokensInWindow));
  }

  private void prune(TimeWindow window, long now) {
    window.dropUpTo(now - knobs.windowMs);
  }

  public synchronized Fault rollFault() {
    double r = faultRandom.nextDouble();
    double acc = knobs.error500Rate;
    if (r < acc) return Fault.ERROR_500;
    acc += knobs.error503Rate;
    if (r < acc) return Fault.ERROR_503;
    acc += knobs.hangRate;
    if (r < acc) return Fault.HANG;
    acc += knobs.malformedRate;
    if (r < acc) return Fault.MALFORMED;
    return Fault.NONE;
  }

  /** Log-normal latency with the configured median and p99, plus a per-prompt-size term. */
  public synchronized long drawLatencyMs(long promptTokens) {
    double median = Math.max(0, knobs.latencyMedianMs);
    double extra = knobs.latencyMsPer1kTokens * promptTokens / 1000.0;
    if (median <= 0) return Math.round(extra);
    double sigma = knobs.latencyP99Ms > median ? Math.log(knobs.latencyP99Ms / median) / 2.3263478740 : 0;
    double v = median * Math.exp(sigma * latencyRandom.nextGaussian());
    return Math.round(v + extra);
  }

  public synchronized double nextContentDouble() {
    return contentRandom.nextDouble();
  }

  public synchronized JsonObject stats() {
    JsonObject statuses = new JsonObject();
    byStatus.forEach(statuses::put);
    return new JsonObject()
        .put("requests_total", requestsTotal)
        .put("by_status", statuses)
        .put("rate_limited", rateLimited)
        .put("max_window_requests", maxWindowRequests)
        .put("max_window_accepted", maxWindowAccepted)
        .put("in_flight", inFlight)
        .put("max_in_flight", maxInFlight)
        .put("hangs", hangs)
        .put("malformed", malformed)
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }
}
