package io.gtm.common.llm.offline;

import io.gtm.common.model.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Search strategies made from templates: the offline provider's answer, and the fallback when an
 * LLM fails. Each channel has templates ordered from most to least specific; strategies are taken
 * round-robin across channels so that every channel is represented at every depth.
 */
public final class StrategyTemplates {
  public static final List<String> CHANNELS = List.of("google_search", "news_search", "jobs_search");

  private StrategyTemplates() {}

  /** Strategy counts per depth: quick 4-6, standard 7-10, comprehensive 11-13. */
  public static int minCount(String depth) {
    return switch (normalizeDepth(depth)) {
      case "quick" -> 4;
      case "comprehensive" -> 11;
      default -> 7;
    };
  }

  public static int maxCount(String depth) {
    return switch (normalizeDepth(depth)) {
      case "quick" -> 6;
      case "comprehensive" -> 13;
      default -> 10;
    };
  }

  /** The default count of a depth: quick 5, standard 8, comprehensive 12. */
  public static int defaultCount(String depth) {
    return switch (normalizeDepth(depth)) {
      case "quick" -> 5;
      case "comprehensive" -> 12;
      default -> 8;
    };
  }

  public static List<Strategy> generate(String goal, String depth) {
    return generate(goal, depth, defaultCount(depth), CHANNELS);
  }

  /**
   * {@code count} strategies (clamped to the depth's range) over {@code channels} (unknown names are
   * kept: they get the generic templates).
   */
  public static List<Strategy> generate(String goal, String depth, int count, List<String> channels) {
    List<String> chans = channels == null || channels.isEmpty() ? CHANNELS : channels;
    int n = Math.max(minCount(depth), Math.min(maxCount(depth), count <= 0 ? defaultCount(depth) : count));
    n = Math.max(n, chans.size() > maxCount(depth) ? maxCount(depth) : 0);
    String terms = keyPhrase(goal, 4);
    String shortTerms = keyPhrase(goal, 2);
    List<String> tech = TechnologyDictionary.find(goal == null ? "" : goal);
    String techOrTerms = tech.isEmpty() ? shortTerms : String.join(" ", tech.subList(0, Math.min(2, tech.size())));
    List<List<String>> perChannel = new ArrayList<>();
    for (String channel : chans) {
      perChannel.add(templates(channel, terms, shortTerms, techOrTerms));
    }
    List<Strategy> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int round = 0; out.size() < n && round < 12; round++) {
      for (int c = 0; c < chans.size() && out.size() < n; c++) {
        List<String> list = perChannel.get(c);
        if (round < list.size() && seen.add(chans.get(c) + "|" + list.get(round))) {
          double relevance = Math.max(0.3, 0.95 - 0.05 * round);
          out.add(new Strategy(chans.get(c), list.get(round), Math.round(relevance * 100) / 100.0));
        }
      }
    }
    return out;
  }

  private static List<String> templates(String channel, String terms, String shortTerms, String tech) {
    return switch (channel) {
      case "google_search" -> List.of(
          "{COMPANY_NAME} " + terms,
          "site:{DOMAIN} " + terms,
          "{COMPANY_NAME} " + tech + " engineering blog",
          "{COMPANY_NAME} " + shortTerms + " case study",
          "{COMPANY_NAME} tech stack " + tech,
          "site:{DOMAIN} careers " + shortTerms,
          "{COMPANY_NAME} " + shortTerms + " conference talk");
      case "news_search" -> List.of(
          "{COMPANY_NAME} " + terms,
          "{COMPANY_NAME} announces " + shortTerms,
          "{COMPANY_NAME} " + tech + " partnership",
          "{COMPANY_NAME} funding expansion " + shortTerms,
          "{COMPANY_NAME} " + shortTerms + " launch");
      case "jobs_search" -> List.of(
          terms,
          tech + " engineer",
          shortTerms + " hiring",
          tech + " platform team");
      default -> List.of(
          "{COMPANY_NAME} " + terms,
          "{DOMAIN} " + shortTerms,
          "{COMPANY_NAME} " + tech);
    };
  }

  /** The goal's first {@code max} content words, as written (noise words of a goal removed). */
  static String keyPhrase(String goal, int max) {
    List<String> words = new ArrayList<>();
    Set<String> stems = new LinkedHashSet<>();
    for (String word : (goal == null ? "" : goal).split("[^\\p{L}\\p{N}+#.'-]+")) {
      String w = word.replaceAll("^[.'-]+|[.'-]+$", "");
      String t = w.toLowerCase(Locale.ROOT);
      if (t.length() > 1 && !Words.isStopWord(t) && !Words.GOAL_NOISE.contains(t) && stems.add(Words.stem(t))) {
        words.add(w);
        if (words.size() == max) {
          break;
        }
      }
    }
    return words.isEmpty() ? "technology" : String.join(" ", words);
  }

  static String normalizeDepth(String depth) {
    return depth == null ? "standard" : depth.toLowerCase(Locale.ROOT).strip();
  }
}
