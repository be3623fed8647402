package io.gtm.common.llm.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits prose into sentences: ends at . ! ? (and closing quotes/brackets after them) followed by
 * a capital, an opening quote or the end; never after titles and abbreviations (Mr. Mrs. St. Dr.
 * e.g.) or initials (M. Myriel, J. K.); a blank line always ends a sentence.
 */
public final class SentenceSplitter {
  private SentenceSplitter() {}

  private static final Set<String> ABBREVIATIONS = Set.of(
      "mr", "mrs", "ms", "mme", "mlle", "messrs", "dr", "st", "sr", "jr", "prof", "rev", "hon", "capt",
      "col", "gen", "lt", "sgt", "maj", "gov", "pres", "mt", "ft", "vs", "etc", "e.g", "i.e", "no", "vol",
      "ch", "chap", "fig", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
      "sep", "sept", "oct", "nov", "dec", "approx", "esq", "viz", "cf", "al");

  /** Sentence spans as {start, end} offsets into {@code text} (end exclusive, trimmed). */
  public static List<int[]> spans(String text) {
    List<int[]> out = new ArrayList<>();
    int n = text.length();
    int start = skipSpace(text, 0);
    int i = start;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n' && blankLineFollows(text, i)) {
        add(out, text, start, i);
        start = skipSpace(text, i);
        i = start;
        continue;
      }
      if (c == '.' || c == '!' || c == '?' || c == '\u2026') {
        int end = i + 1;
        while (end < n && (isClosing(text.charAt(end)) || text.charAt(end) == '.' || text.charAt(end) == '!'
            || text.charAt(end) == '?')) {
          end++;
        }
        if (end >= n) {
          add(out, text, start, n);
          return out;
        }
        if (Character.isWhitespace(text.charAt(end))) {
          int next = skipSpace(text, end);
          if (next >= n) {
            add(out, text, start, end);
            return out;
          }
          char nc = text.charAt(next);
          boolean startsSentence = Character.isUpperCase(nc) || Character.isDigit(nc) || isOpening(nc);
          if (startsSentence && !(c == '.' && end == i + 1 && isAbbreviation(text, start, i))) {
            add(out, text, start, end);
            start = next;
            i = next;
            continue;
          }
        }
        i = end;
        continue;
      }
      i++;
    }
    add(out, text, start, n);
    return out;
  }

  /** Sentences as strings, with inner line breaks and runs of spaces made single spaces. */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (int[] s : spans(text)) {
      out.add(normalize(text.substring(s[0], s[1])));
    }
    return out;
  }

  public static String normalize(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  private static void add(List<int[]> out, String text, int start, int end) {
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (end > start) {
      out.add(new int[] {start, end});
    }
  }

  private static boolean isAbbreviation(String text, int sentenceStart, int dot) {
    int j = dot;
    while (j > sentenceStart && (Character.isLetter(text.charAt(j - 1)) || text.charAt(j - 1) == '.')) {
      j--;
    }
    String word = text.substring(j, dot);
    if (word.isEmpty()) {
      return false;
    }
    if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
      return true; // an initial: "M. Myriel", "J. K. Rowling"
    }
    return ABBREVIATIONS.contains(word.toLowerCase(java.util.Locale.ROOT));
  }

  private static boolean blankLineFollows(String text, int newline) {
    int j = newline + 1;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t' || text.charAt(j) == '\r')) {
      j++;
    }
    return j < text.length() && text.charAt(j) == '\n';
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isClosing(char c) {
    return c == '"' || c == '\'' || c == '\u201d' || c == '\u2019' || c == ')' || c == ']' || c == '\u00bb';
  }

  private static boolean isOpening(char c) {
    return c == '"' || c == '\'' || c == '\u201c' || c == '\u2018' || c == '(' || c == '[' || c == '\u00ab'
        || c == '_' || c == '\u2014';
  }
}
