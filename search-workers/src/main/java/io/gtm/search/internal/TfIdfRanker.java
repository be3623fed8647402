package io.gtm.search.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ranks documents (job postings) against a query by TF-IDF cosine similarity. IDF is computed
 * over the documents given (one company's job board), so words every posting shares weigh little.
 */
public final class TfIdfRanker {
  private TfIdfRanker() {}

  private static final Set<String> STOP = Set.of(
      "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
      "or", "that", "the", "to", "we", "with", "you", "your", "our", "will", "this", "who", "site");

  /** A document's position in the input and its similarity to the query (0..1). */
  public record Match(int index, double score) {}

  /** Lower-case word tokens (letters, digits, and the + # . of names like C++, C#, Node.js), stop words removed. */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    int i = 0;
    int n = lower.length();
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(lower.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && (Character.isLetterOrDigit(lower.charAt(i)) || "+#.".indexOf(lower.charAt(i)) >= 0)) {
        i++;
      }
      if (i > start) {
        String t = trimDots(lower.substring(start, i));
        if (t.length() > 1 && !STOP.contains(t) || t.equals("c") || t.equals("r")) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static String trimDots(String t) {
    int end = t.length();
    while (end > 0 && t.charAt(end - 1) == '.') {
      end--;
    }
    return t.substring(0, end);
  }

  /**
   * The documents that share at least one term with the query, best first (ties keep input
   * order), at most {@code limit}.
   */
  public static List<Match> rank(String query, List<String> documents, int limit) {
    int n = documents.size();
    if (n == 0 || limit <= 0) {
      return List.of();
    }
    List<Map<String, Integer>> tfs = new ArrayList<>(n);
    Map<String, Integer> df = new HashMap<>();
    for (String doc : documents) {
      Map<String, Integer> tf = new HashMap<>();
      for (String t : tokens(doc)) {
        tf.merge(t, 1, Integer::sum);
      }
      tf.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
      tfs.add(tf);
    }
    Map<String, Integer> qtf = new HashMap<>();
    for (String t : tokens(query)) {
      qtf.merge(t, 1, Integer::sum);
    }
    Map<String, Double> qvec = new HashMap<>();
    double qnorm = 0;
    for (Map.Entry<String, Integer> e : qtf.entrySet()) {
      Integer d = df.get(e.getKey());
      if (d == null) {
        continue; // a term no posting has cannot separate them
      }
      double w = (1 + Math.log(e.getValue())) * idf(n, d);
      qvec.put(e.getKey(), w);
      qnorm += w * w;
    }
    if (qvec.isEmpty()) {
      return List.of();
    }
    qnorm = Math.sqrt(qnorm);
    Match[] matches = new Match[n];
    int found = 0;
    for (int i = 0; i < n; i++) {
      Map<String, Integer> tf = tfs.get(i);
      double dot = 0;
      double dnorm = 0;
      for (Map.Entry<String, Integer> e : tf.entrySet()) {
        double w = (1 + Math.log(e.getValue())) * idf(n, df.get(e.getKey()));
        dnorm += w * w;
        Double q = qvec.get(e.getKey());
        if (q != null) {
          dot += w * q;
        }
      }
      if (dot > 0) {
        matches[found++] = new Match(i, dot / (qnorm * Math.sqrt(dnorm)));
      }
    }
    Match[] hits = Arrays.copyOf(matches, found);
    Arrays.sort(hits, Comparator.comparingDouble(Match::score).reversed().thenComparingInt(Match::index));
    return List.of(hits).subList(0, Math.min(limit, hits.length));
  }

  // smoothed, so that a term in every posting still counts a little
  private static double idf(int n, int df) {
    return Math.log((1.0 + n) / (1.0 + df)) + 1.0;
  }

  /** Cuts text at a word boundary near {@code max} characters, adding an ellipsis. */
  public static String truncate(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int cut = text.lastIndexOf(' ', max - 1);
    if (cut < max / 2) {
      cut = max - 1;
    }
    return text.substring(0, cut).stripTrailing() + "…";
  }
}
