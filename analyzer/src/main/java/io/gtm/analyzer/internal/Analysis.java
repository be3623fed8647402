package io.gtm.analyzer.internal;

import io.gtm.common.llm.offline.EvidenceScorer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One company's analysis: technologies seen, goal-match signals (short strings, or objects with a
 * {@code signal} field as the offline provider gives), confidence 0..1. Parses and
 * validates an LLM answer, and merges the answers for the chunks of a large body of evidence.
 */
public record Analysis(List<String> technologies, List<Object> signals, double confidence) {

  public static final int MAX_ITEMS = 50;

  public Analysis {
    technologies = List.copyOf(technologies);
    signals = List.copyOf(signals);
  }

  public static Analysis empty() {
    return new Analysis(List.of(), List.of(), 0);
  }

  /** The offline evidence scorer's result (the fallback when the LLM fails) as an analysis. */
  public static Analysis of(EvidenceScorer.Analysis scored) {
    return new Analysis(scored.technologies(), new ArrayList<>(scored.signals()), scored.confidence());
  }

  /** The JSON schema the LLM answers with. */
  public static JsonObject schema() {
    JsonObject strings = new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "string"));
    return new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("technologies", strings)
            .put("goal_match_signals", strings.copy())
            .put("confidence_score", new JsonObject().put("type", "number")))
        .put("required", new JsonArray().add("technologies").add("goal_match_signals").add("confidence_score"))
        .put("additionalProperties", false);
  }

  /**
   * Parses an LLM answer.
   *
   * @throws IllegalArgumentException when it is not a JSON object of the schema, or the confidence is outside 0..1
   */
  public static Analysis parse(String text) {
    JsonObject json;
    try {
      String t = text == null ? "" : text.trim();
      if (t.startsWith("```")) {
        t = t.substring(t.indexOf('\n') + 1, Math.max(t.indexOf('\n') + 1, t.lastIndexOf("```"))).trim();
      }
      json = new JsonObject(t);
    } catch (DecodeException | ClassCastException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("answer is not a JSON object");
    }
    Object c = json.getValue("confidence_score");
    if (!(c instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > 1) {
      throw new IllegalArgumentException("confidence_score must be a number between 0 and 1, got " + c);
    }
    return new Analysis(strings(json, "technologies"), signals(json), n.doubleValue());
  }

  private static List<Object> signals(JsonObject json) {
    Object v = json.getValue("goal_match_signals");
    if (!(v instanceof JsonArray arr)) {
      throw new IllegalArgumentException("goal_match_signals must be an array");
    }
    List<Object> out = new ArrayList<>();
    for (Object o : arr) {
      if (o instanceof String s && !s.isBlank()) {
        out.add(s.trim());
      } else if (o instanceof JsonObject obj && obj.getValue("signal") instanceof String) {
        out.add(obj);
      } else if (!(o instanceof String)) {
        throw new IllegalArgumentException("goal_match_signals must hold strings or {signal} objects");
      }
    }
    return out;
  }

  private static String signalKey(Object signal) {
    if (signal instanceof JsonObject o) {
      return (o.getString("type", "") + ':' + o.getString("signal")).toLowerCase(Locale.ROOT);
    }
    return String.valueOf(signal).toLowerCase(Locale.ROOT);
  }

  private static List<String> strings(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonArray arr)) {
      throw new IllegalArgumentException(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException(field + " must be an array of strings");
      }
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /**
   * Combines chunk answers: the union of technologies and of signals (first spelling kept), and
   * the highest confidence, since evidence of a match in any chunk is evidence for the company.
   */
  public static Analysis merge(List<Analysis> parts) {
    Map<String, String> tech = new LinkedHashMap<>();
    Map<String, Object> sig = new LinkedHashMap<>();
    double confidence = 0;
    for (Analysis a : parts) {
      a.technologies.forEach(t -> tech.putIfAbsent(t.toLowerCase(Locale.ROOT), t));
      a.signals.forEach(s -> sig.putIfAbsent(signalKey(s), s));
      confidence = Math.max(confidence, a.confidence);
    }
    return new Analysis(cap(tech.values()), cap(sig.values()), confidence);
  }

  private static <T> List<T> cap(java.util.Collection<T> values) {
    List<T> l = new ArrayList<>(values);
    return l.size() > MAX_ITEMS ? l.subList(0, MAX_ITEMS) : l;
  }

  /**
   * Splits evidence into chunks of at most {@code maxChars} characters of text (and at least one
   * item each), keeping every item: the analyzer reads all of a company's evidence.
   */
  public static <T> List<List<T>> chunks(List<T> items, java.util.function.ToIntFunction<T> size, int maxChars) {
    List<List<T>> out = new ArrayList<>();
    List<T> current = new ArrayList<>();
    int chars = 0;
    for (T item : items) {
      int s = size.applyAsInt(item);
      if (!current.isEmpty() && chars + s > maxChars) {
        out.add(current);
        current = new ArrayList<>();
        chars = 0;
      }
      current.add(item);
      chars += s;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
