package io.gtm.common.llm.offline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extractive summaries with TextRank (Mihalcea and Tarau, 2004): sentences are the nodes of a
 * graph weighted by word overlap normalised by the log of the sentence lengths; PageRank ranks
 * them; the best sentences are kept, in their original order, within a sentence and length budget.
 */
public final class TextRank {
  /** Sentences beyond this are not ranked (the summarizer chunks long texts first). */
  static final int MAX_SENTENCES = 600;
  private static final double DAMPING = 0.85;
  private static final int MAX_ITERATIONS = 60;
  private static final double EPSILON = 1e-6;

  private TextRank() {}

  /** The ranked sentences of a text: each with its original index and score. */
  public record Ranked(List<String> sentences, double[] scores) {}

  public static Ranked rank(List<String> sentences) {
    int n = Math.min(sentences.size(), MAX_SENTENCES);
    List<String> kept = sentences.subList(0, n);
    List<Set<String>> words = new ArrayList<>(n);
    for (String s : kept) {
      words.add(new HashSet<>(Words.contentStems(s)));
    }
    double[][] w = new double[n][n];
    double[] outSum = new double[n];
    for (int i = 0; i < n; i++) {
      Set<String> a = words.get(i);
      if (a.size() < 2) {
        continue;
      }
      for (int j = i + 1; j < n; j++) {
        Set<String> b = words.get(j);
        if (b.size() < 2) {
          continue;
        }
        int common = 0;
        Set<String> small = a.size() < b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        for (String t : small) {
          if (large.contains(t)) {
            common++;
          }
        }
        if (common > 0) {
          double sim = common / (Math.log(a.size()) + Math.log(b.size()));
          w[i][j] = sim;
          w[j][i] = sim;
          outSum[i] += sim;
          outSum[j] += sim;
        }
      }
    }
    double[] score = new double[n];
    Arrays.fill(score, 1.0);
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double delta = 0;
      double[] next = new double[n];
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          if (w[j][i] > 0) {
            sum += w[j][i] / outSum[j] * score[j];
          }
        }
        next[i] = (1 - DAMPING) + DAMPING * sum;
        delta = Math.max(delta, Math.abs(next[i] - score[i]));
      }
      score = next;
      if (delta < EPSILON) {
        break;
      }
    }
    return new Ranked(kept, score);
  }

  /**
   * The summary of a text: at most {@code maxSentences} of its best sentences, in text order,
   * within {@code maxChars}. Fragments (fewer than 4 content words) are passed over while longer
   * sentences remain, and a text with no usable sentence summarises to its own start.
   */
  public static String summarize(String text, int maxSentences, int maxChars) {
    // Overlapping chunks repeat sentences: each distinct sentence is ranked once.
    List<String> sentences = new ArrayList<>(new java.util.LinkedHashSet<>(SentenceSplitter.split(text)));
    if (sentences.isEmpty()) {
      return "";
    }
    Ranked ranked = rank(sentences);
    int n = ranked.sentences().size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[] score = ranked.scores();
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
    List<Integer> chosen = new ArrayList<>();
    int chars = 0;
    for (int pass = 0; pass < 2 && chosen.size() < maxSentences; pass++) {
      for (Integer i : order) {
        if (chosen.size() >= maxSentences) {
          break;
        }
        String s = ranked.sentences().get(i);
        boolean fragment = Words.contentStems(s).size() < 4;
        if (chosen.contains(i) || (pass == 0 && fragment)) {
          continue;
        }
        if (chars + s.length() + 1 > maxChars && !chosen.isEmpty()) {
          continue;
        }
        if (s.length() > maxChars && chosen.isEmpty()) {
          continue; // an overlong sentence is only a last resort
        }
        chosen.add(i);
        chars += s.length() + 1;
      }
    }
    if (chosen.isEmpty()) {
      return truncate(sentences.get(0), maxChars);
    }
    chosen.sort(Integer::compare);
    StringBuilder out = new StringBuilder();
    for (int i : chosen) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(ranked.sentences().get(i));
    }
    return out.toString();
  }

  /** Cuts at a word boundary within {@code max} characters, marking the cut with an ellipsis. */
  public static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = s.lastIndexOf(' ', max - 1);
    if (cut < max / 2) {
      cut = max - 1;
    }
    return s.substring(0, cut).replaceAll("[\\s,;:\\u2014-]+$", "") + "\u2026";
  }
}
