package io.gtm.common.llm.offline;

import io.gtm.common.model.Evidence;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores one company's evidence against a research goal, reading every item: the technologies
 * named anywhere in it, the goal terms and buying-intent phrases it contains (each with the
 * snippet it came from), and a confidence that grows with goal-term coverage and with the number
 * of distinct sources that agree. No evidence scores 0.
 */
public final class EvidenceScorer {
  private EvidenceScorer() {}

  /** Intent kinds and the stems (or stem phrases) that reveal them. */
  private static final Map<String, List<String>> INTENTS = new LinkedHashMap<>();

  static {
    INTENTS.put("hiring", List.of("hir", "recruit", "job open", "open rol", "join our team", "we are grow",
        "career", "vacancy", "headcount"));
    INTENTS.put("migrating", List.of("migrat", "mov to", "transition to", "replatform", "switch to",
        "replac", "modern"));
    INTENTS.put("adopting", List.of("adopt", "roll out", "rolled out", "deploy", "implement", "launch",
        "introduc", "built on", "standard on", "select"));
    INTENTS.put("funding", List.of("rais", "fund", "series a", "series b", "series c", "series d", "investment",
        "investor", "valuat", "ipo"));
    INTENTS.put("expansion", List.of("expan", "new office", "international", "enter", "grow", "scal",
        "open offic"));
    INTENTS.put("partnership", List.of("partner", "integrat", "collaborat", "allianc"));
    INTENTS.put("acquisition", List.of("acquir", "acquisit", "merg"));
  }

  /** The analysis of one domain's evidence. */
  public record Analysis(List<String> technologies, List<JsonObject> signals, double confidence,
                         int evidenceCount, int distinctSources, int matchingSources) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("technologies", new JsonArray(new ArrayList<>(technologies)))
          .put("goal_match_signals", new JsonArray(new ArrayList<>(signals)))
          .put("confidence_score", confidence);
    }
  }

  /** The goal's key terms: its content words, noise words of a goal removed, stemmed, in order. */
  public static List<String> goalTerms(String goal) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : Words.tokens(goal)) {
      if (t.length() > 1 && !Words.isStopWord(t) && !Words.GOAL_NOISE.contains(t)) {
        out.add(Words.stem(t));
      }
    }
    return new ArrayList<>(out);
  }

  public static Analysis score(String goal, List<Evidence> evidence) {
    List<String> terms = goalTerms(goal == null ? "" : goal);
    Map<String, String> termWords = new LinkedHashMap<>();
    for (String t : Words.tokens(goal == null ? "" : goal)) {
      termWords.putIfAbsent(Words.stem(t), t);
    }
    List<String> goalTech = TechnologyDictionary.find(goal == null ? "" : goal);
    Set<String> technologies = new LinkedHashSet<>();
    Map<String, JsonObject> signals = new LinkedHashMap<>();
    Set<String> termsSeen = new LinkedHashSet<>();
    Set<String> sources = new LinkedHashSet<>();
    Set<String> matchingSources = new LinkedHashSet<>();
    int matchingItems = 0;
    Set<String> intentKinds = new LinkedHashSet<>();
    for (Evidence e : evidence) {
      String text = e.title() + ". " + e.snippet();
      sources.add(e.sourceName());
      List<String> techHere = TechnologyDictionary.find(text);
      technologies.addAll(techHere);
      List<String> stems = Words.contentStems(text);
      Set<String> stemSet = new LinkedHashSet<>(stems);
      String stemLine = " " + String.join(" ", Words.tokens(text).stream().map(Words::stem).toList()) + " ";
      boolean matched = false;
      for (String term : terms) {
        if (stemSet.contains(term)) {
          termsSeen.add(term);
          matched = true;
          signals.computeIfAbsent("goal_term:" + term,
              k -> signal("goal_term", termWords.getOrDefault(term, term), e).put("stem", term));
        }
      }
      for (String tech : techHere) {
        if (goalTech.contains(tech)) {
          matched = true;
          signals.computeIfAbsent("technology:" + tech, k -> signal("technology", tech, e));
        }
      }
      for (Map.Entry<String, List<String>> intent : INTENTS.entrySet()) {
        for (String cue : intent.getValue()) {
          if (stemLine.contains(" " + cue)) {
            intentKinds.add(intent.getKey());
            signals.computeIfAbsent("intent:" + intent.getKey(), k -> signal("intent", intent.getKey(), e));
            break;
          }
        }
      }
      if (matched) {
        matchingItems++;
        matchingSources.add(e.sourceName());
      }
      for (JsonObject s : signals.values()) {
        // Count every item and source backing a signal, not only the first.
        String type = s.getString("type");
        if (type.equals("intent") ? stemLineHas(stemLine, INTENTS.get(s.getString("signal")))
            : type.equals("technology") ? techHere.contains(s.getString("signal"))
            : stemSet.contains(s.getString("stem"))) {
          s.put("evidence_count", s.getInteger("evidence_count", 0) + 1);
          JsonArray srcs = s.getJsonArray("sources");
          if (!srcs.contains(e.sourceName())) {
            srcs.add(e.sourceName());
          }
        }
      }
    }
    double confidence = 0;
    if (!evidence.isEmpty()) {
      double coverage = terms.isEmpty() ? (matchingItems > 0 ? 1 : 0) : (double) termsSeen.size() / terms.size();
      double corroboration = 1 - Math.pow(0.5, matchingSources.size());
      double strength = Math.min(1.0, matchingItems / 5.0);
      double intent = Math.min(1.0, intentKinds.size() / 3.0);
      confidence = coverage * (0.6 * corroboration + 0.2 * strength) + 0.2 * corroboration * intent;
      confidence = Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000.0;
    }
    return new Analysis(new ArrayList<>(technologies), new ArrayList<>(signals.values()), confidence,
        evidence.size(), sources.size(), matchingSources.size());
  }

  private static boolean stemLineHas(String stemLine, List<String> cues) {
    for (String cue : cues) {
      if (stemLine.contains(" " + cue)) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject signal(String type, String term, Evidence e) {
    return new JsonObject().put("type", type).put("signal", term)
        .put("snippet", TextRank.truncate(SentenceSplitter.normalize(e.snippet().isBlank() ? e.title() : e.snippet()), 240))
        .put("url", e.url()).put("source_name", e.sourceName())
        .put("evidence_count", 0).put("sources", new JsonArray());
  }

  /** Reads the analyze operation's input: {research_goal, domain, evidence: [Evidence]}. */
  public static Analysis score(JsonObject input) {
    List<Evidence> evidence = new ArrayList<>();
    JsonArray items = input.getJsonArray("evidence", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      Object o = items.getValue(i);
      if (o instanceof JsonObject j) {
        evidence.add(Evidence.fromJson(j));
      }
    }
    return score(input.getString("research_goal", ""), evidence);
  }

}
