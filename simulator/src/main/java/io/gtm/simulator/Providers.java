package io.gtm.simulator;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The simulated providers' states, and the knobs they return to on {@link #reset()}. */
public final class Providers {
  public static final String OPENAI = "openai";
  public static final String GEMINI = "gemini";
  public static final String TAVILY = "tavily";
  public static final String NEWSAPI = "newsapi";
  public static final String GREENHOUSE = "greenhouse";
  public static final List<String> NAMES = List.of(OPENAI, GEMINI, TAVILY, NEWSAPI, GREENHOUSE);

  private final Map<String, ProviderState> states = new LinkedHashMap<>();
  private final Map<String, Knobs> baseline = new LinkedHashMap<>();

  /** @param providers optional {@code {"openai": {knobs}, ...}} applied over the defaults; it is also the reset point */
  Providers(JsonObject providers) {
    for (String name : NAMES) baseline.put(name, new Knobs());
    if (providers != null) {
      for (String name : providers.fieldNames()) {
        Knobs k = baseline.get(name);
        if (k == null) throw new IllegalArgumentException("providers: unknown provider '" + name + "', expected one of " + NAMES);
        if (!(providers.getValue(name) instanceof JsonObject knobs)) {
          throw new IllegalArgumentException("providers." + name + " must be a JSON object of knobs");
        }
        try {
          k.merge(knobs);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("providers." + name + ": " + e.getMessage());
        }
      }
    }
    baseline.forEach((name, k) -> states.put(name, new ProviderState(name, k)));
  }

  /** The state of {@code name}; IllegalArgumentException for an unknown provider. */
  public ProviderState get(String name) {
    ProviderState s = states.get(name);
    if (s == null) throw new IllegalArgumentException("unknown provider '" + name + "', expected one of " + NAMES);
    return s;
  }

  public boolean exists(String name) {
    return states.containsKey(name);
  }

  public JsonObject config() {
    JsonObject out = new JsonObject();
    states.forEach((n, s) -> out.put(n, s.knobs().toJson()));
    return out;
  }

  public JsonObject stats() {
    JsonObject out = new JsonObject();
    states.forEach((n, s) -> out.put(n, s.stats()));
    return out;
  }

  /** Knobs back to the start-up configuration, counters to zero. */
  public void reset() {
    states.forEach((n, s) -> {
      s.setKnobs(baseline.get(n));
      s.resetStats();
    });
  }
}
