package io.gtm.common.llm.offline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Title and preview of a chapter, written from its summary: the title is the summary's most
 * central phrase (runs of content words scored by how often their words recur, proper names
 * favoured, RAKE-style), 2-8 words, never the heading; the preview is its first sentence or two
 * within 200 characters.
 */
public final class TitleWriter {
  public static final int PREVIEW_MAX_CHARS = 200;

  private TitleWriter() {}

  public static String preview(String summary) {
    List<String> sentences = SentenceSplitter.split(summary);
    if (sentences.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(sentences.get(0));
    if (out.length() > PREVIEW_MAX_CHARS) {
      return TextRank.truncate(out.toString(), PREVIEW_MAX_CHARS);
    }
    if (sentences.size() > 1 && out.length() + 1 + sentences.get(1).length() <= PREVIEW_MAX_CHARS) {
      out.append(' ').append(sentences.get(1));
    }
    return out.toString();
  }

  public static String title(String summary, String heading) {
    List<Phrase> phrases = phrases(summary);
    String normHeading = heading == null ? "" : heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
    List<String> candidates = new ArrayList<>();
    for (Phrase p : phrases) {
      if (p.words.size() >= 2 && p.words.size() <= 6) {
        candidates.add(titleCase(p.words));
      }
    }
    // Two strong single words or short phrases make a title when no multi-word phrase stands out.
    List<String> singles = new ArrayList<>();
    for (Phrase p : phrases) {
      if (p.words.size() == 1 && singles.size() < 2) {
        singles.add(titleCase(p.words));
      }
    }
    if (singles.size() == 2) {
      candidates.add(singles.get(0) + " and " + singles.get(1));
    }
    for (String c : candidates) {
      String norm = c.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").trim();
      if (!norm.equals(normHeading) && !normHeading.endsWith(norm)) {
        return c;
      }
    }
    if (singles.size() == 1) {
      return "About " + singles.get(0);
    }
    return "Untitled Passage";
  }

  private record Phrase(List<String> words, double score) {}

  private static List<Phrase> phrases(String text) {
    // Split into candidate runs at stop words and punctuation; remember which words were capitalised mid-sentence.
    List<List<String>> runs = new ArrayList<>();
    Map<String, Integer> freq = new HashMap<>();
    Map<String, Integer> properCount = new HashMap<>();
    for (String sentence : SentenceSplitter.split(text)) {
      List<String> run = new ArrayList<>();
      String[] parts = sentence.split("(?=[\\s,;:.!?()\\[\\]\"\u201c\u201d\u2014])|(?<=[\\s,;:.!?()\\[\\]\"\u201c\u201d\u2014])");
      boolean first = true;
      for (String part : parts) {
        String word = part.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
        boolean breaker = word.isEmpty() && !part.isBlank();
        if (part.isBlank()) {
          continue;
        }
        String lower = word.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        if (breaker || word.isEmpty() || Words.isStopWord(lower) || lower.length() < 3
            || lower.chars().allMatch(Character::isDigit)) {
          if (!run.isEmpty()) {
            runs.add(run);
            run = new ArrayList<>();
          }
          first = word.isEmpty() ? first : false;
          continue;
        }
        if (run.size() == 4) {
          runs.add(run);
          run = new ArrayList<>();
        }
        run.add(word);
        freq.merge(Words.stem(lower), 1, Integer::sum);
        if (!first && Character.isUpperCase(word.charAt(0))) {
          properCount.merge(Words.stem(lower), 1, Integer::sum);
        }
        first = false;
      }
      if (!run.isEmpty()) {
        runs.add(run);
      }
    }
    Map<String, Phrase> best = new LinkedHashMap<>();
    for (List<String> raw : runs) {
      List<String> run = trimVerbs(raw);
      double score = 0;
      for (String w : run) {
        String st = Words.stem(w.toLowerCase(Locale.ROOT));
        double s = freq.getOrDefault(st, 0);
        if (properCount.getOrDefault(st, 0) > 0) {
          s *= 1.6;
        }
        score += s;
      }
      score *= run.size() == 1 ? 1.0 : 1.0 + 0.15 * Math.min(run.size(), 4);
      String key = String.join(" ", run).toLowerCase(Locale.ROOT);
      Phrase old = best.get(key);
      if (old == null) {
        best.put(key, new Phrase(run, score));
      } else {
        best.put(key, new Phrase(old.words, old.score + score * 0.5));
      }
    }
    List<Phrase> out = new ArrayList<>(best.values());
    // Stable sort: ties keep the order of first appearance, so titles are deterministic.
    out.sort((a, b) -> Double.compare(b.score, a.score));
    return out;
  }

  /** Drops lower-case -ed/-ing/-ly words at the ends of a phrase ("greeted Prince Vasili" -> "Prince Vasili"). */
  private static List<String> trimVerbs(List<String> run) {
    int from = 0;
    int to = run.size();
    while (to - from > 1 && isVerbLike(run.get(from))) {
      from++;
    }
    while (to - from > 1 && isVerbLike(run.get(to - 1))) {
      to--;
    }
    return run.subList(from, to);
  }

  private static boolean isVerbLike(String w) {
    return Character.isLowerCase(w.charAt(0)) && (w.endsWith("ed") || w.endsWith("ing") || w.endsWith("ly"));
  }

  private static String titleCase(List<String> words) {
    StringBuilder out = new StringBuilder();
    for (String w : words) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return out.toString();
  }
}
