package io.gtm.summarizer.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a plain-text book into chapters.
 *
 * <p>The Project Gutenberg header and licence are cut off (current and older markers). Heading
 * lines are found by shape: levels ({@code BOOK/PART/VOLUME} with a roman, arabic or word number,
 * and {@code EPILOGUE}s), chapters ({@code CHAPTER 1. Title}, {@code Chapter IV}, or bare roman
 * {@code IV.} lines when a book has no CHAPTER headings) and front/back matter (preface, contents,
 * notes, appendix...). A chapter heading whose body holds almost no prose is a table-of-contents
 * entry and is dropped. Levels are kept in a stack so each chapter's heading is its whole path as
 * printed. A level heading with a long body of its own is a chapter itself, except an unnumbered
 * epilogue, whose text closes the last chapter (ARCHITECTURE.md: only an epilogue's numbered
 * chapters are chapters). A text with no headings is cut into sections at paragraph boundaries.
 */
public final class ChapterSplitter {
  /** A chapter heading whose body has fewer letters than this is a contents entry. */
  static final int MIN_CHAPTER_LETTERS = 60;
  /** A level heading (BOOK, EPILOGUE...) with this many letters of its own is a chapter too. */
  static final int MIN_LEAF_LETTERS = 500;
  /** Sections of a text without headings: cut at the first paragraph end past the target. */
  public static final int SECTION_TARGET_CHARS = 8000;

  private static final String NUMBER_WORDS = "ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE"
      + "|THIRTEEN|FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|EIGHTEEN|NINETEEN|TWENTY|THIRTY|FORTY|FIFTY|SIXTY"
      + "|FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH|SEVENTH|EIGHTH|NINTH|TENTH|ELEVENTH|TWELFTH|THIRTEENTH"
      + "|FOURTEENTH|FIFTEENTH|SIXTEENTH|SEVENTEENTH|EIGHTEENTH|NINETEENTH|TWENTIETH|LAST";
  private static final String NUMBER = "(?:[IVXLCDM]+|\\d{1,4}|(?i:(?:THE\\s+)?(?:" + NUMBER_WORDS + ")(?:[- ](?:"
      + NUMBER_WORDS + "))?))";
  private static final Pattern LEVEL = Pattern.compile(
      "^(?:(BOOK|PART|VOLUME)\\s+" + NUMBER + "\\b(?:[\\s.:,\\u2014-].*)?"
          + "|(Book|Part|Volume)\\s+" + NUMBER + "\\b(?:\\s*[.:\\u2014-].*)?)$");
  private static final Pattern EPILOGUE = Pattern.compile(
      "^(?:(?:FIRST|SECOND|THIRD|FINAL)\\s+)?(?:EPILOGUE|Epilogue)\\b.*$");
  private static final Pattern CHAPTER = Pattern.compile(
      "^(?:CHAPTER|Chapter|CHAP\\.|Chap\\.)\\s+" + NUMBER + "\\b(?:[\\s.:,\\u2014-].*)?$");
  private static final Pattern BARE = Pattern.compile("^[IVXLC]{1,7}\\.?(?:\\s+[A-Z\\p{Lu}].{0,60})?$");
  /** Upper-case matter headings may carry more on the line; title-case ones must stand alone. */
  private static final Pattern MATTER = Pattern.compile(
      "^(?:PREFACE|CONTENTS|TABLE OF CONTENTS|ETYMOLOGY|EXTRACTS|INTRODUCTION|APPENDIX|NOTES|FOOTNOTES|"
          + "GLOSSARY|INDEX|AFTERWORD|DEDICATION|ACKNOWLEDGE?MENTS?|FOREWORD|TRANSCRIBER['\\u2019]?S NOTES?|"
          + "AUTHOR['\\u2019]?S NOTE|ILLUSTRATIONS|LIST OF ILLUSTRATIONS)\\b.*$"
          + "|^(?:Preface|Contents|Table of Contents|Introduction|Appendix(?: [A-Z0-9]+)?|Notes|Footnotes|"
          + "Afterword|Foreword|Transcriber['\\u2019]?s Notes?|Author['\\u2019]?s Note)[.:]?$");
  private static final Pattern GUTENBERG_START = Pattern.compile(
      "(?im)^\\s*(?:\\*{3}\\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*|\\*END\\*THE SMALL PRINT.*)$");
  private static final Pattern GUTENBERG_END = Pattern.compile(
      "(?im)^\\s*(?:\\*{3}\\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*|End of (?:the )?Project Gutenberg.*"
          + "|\\*\\*\\*END OF THE PROJECT GUTENBERG.*)$");

  private enum Kind { LEVEL, EPILOGUE, CHAPTER, BARE, MATTER }

  private record Candidate(int line, int lastLine, Kind kind, String heading, String levelKey) {}

  private ChapterSplitter() {}

  /** Byte-order mark removed, CRLF and CR made LF, Gutenberg header and licence cut off. */
  public static String clean(String raw) {
    String text = raw;
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    if (text.indexOf('\r') >= 0) {
      text = text.replace("\r\n", "\n").replace('\r', '\n');
    }
    Matcher start = GUTENBERG_START.matcher(text);
    int from = 0;
    if (start.find()) {
      from = start.end();
    }
    Matcher end = GUTENBERG_END.matcher(text);
    int to = text.length();
    if (end.find(from)) {
      to = end.start();
    }
    return text.substring(from, to);
  }

  public static List<Chapter> split(String raw) {
    String text = clean(raw);
    String[] lines = text.split("\n", -1);
    Kind[] kinds = new Kind[lines.length];
    for (int i = 0; i < lines.length; i++) {
      kinds[i] = classify(lines[i].strip());
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      Kind kind = kinds[i];
      if (kind == null || !blankBefore(lines, i)) {
        continue;
      }
      // Levels and bare numerals stand alone on their line; a line running on into prose is prose
      // (Moby-Dick's Cetology starts paragraphs with "BOOK I. (Folio), CHAPTER I. ...").
      if ((kind == Kind.BARE || kind == Kind.LEVEL) && !blankAfter(lines, i)) {
        continue;
      }
      // A heading printed over two or three lines continues up to the next blank line.
      int last = i;
      StringBuilder heading = new StringBuilder(lines[i].strip());
      while (kind != Kind.BARE && last + 1 < lines.length && !lines[last + 1].isBlank() && last - i < 2
          && kinds[last + 1] == null && heading.length() < 160 && blankAfter(lines, last + 1)) {
        last++;
        heading.append(' ').append(lines[last].strip());
      }
      String levelKey = kind == Kind.LEVEL ? lines[i].strip().split("\\s+")[0].toUpperCase() : null;
      candidates.add(new Candidate(i, last, kind, heading.toString().replaceAll("\\s+", " "), levelKey));
    }
    // prose letters under each candidate, counted up to MIN_LEAF_LETTERS (all the rules need to know)
    int[] bodies = new int[candidates.size()];
    for (int c = 0; c < candidates.size(); c++) {
      bodies[c] = bodyLetters(candidates, c, lines, kinds, MIN_LEAF_LETTERS);
    }
    boolean hasChapters = false;
    int bareChapters = 0;
    for (int c = 0; c < candidates.size(); c++) {
      Candidate cand = candidates.get(c);
      int body = bodies[c];
      if (cand.kind == Kind.CHAPTER && body >= MIN_CHAPTER_LETTERS) {
        hasChapters = true;
      } else if (cand.kind == Kind.BARE && body >= MIN_CHAPTER_LETTERS) {
        bareChapters++;
      }
    }
    boolean useBare = !hasChapters && bareChapters >= 2;
    List<Chapter> chapters = new ArrayList<>();
    List<String[]> stack = new ArrayList<>(); // {levelKey, heading}
    Map<String, Integer> levelRank = new HashMap<>();
    for (int c = 0; c < candidates.size(); c++) {
      Candidate cand = candidates.get(c);
      int body = bodies[c];
      int end = c + 1 < candidates.size() ? candidates.get(c + 1).line : lines.length;
      switch (cand.kind) {
        case MATTER -> stack.clear(); // front and back matter stand outside any BOOK or PART
        case LEVEL, EPILOGUE -> {
          String key = cand.kind == Kind.EPILOGUE ? "EPILOGUE" : cand.levelKey;
          int rank = cand.kind == Kind.EPILOGUE ? 0 : levelRank.computeIfAbsent(key, k -> levelRank.size());
          while (!stack.isEmpty() && levelRank.getOrDefault(stack.get(stack.size() - 1)[0], 0) >= rank) {
            stack.remove(stack.size() - 1);
          }
          stack.add(new String[] {key, cand.heading});
          if (body >= MIN_LEAF_LETTERS) {
            Chapter leaf = chapter(chapters.size() + 1, stack, null, lines, cand.lastLine + 1, end);
            if (cand.kind == Kind.EPILOGUE && !chapters.isEmpty()) {
              // an unnumbered epilogue is not a chapter (only an epilogue's numbered chapters are):
              // its text closes the last chapter, so nothing of the story is lost
              Chapter previous = chapters.remove(chapters.size() - 1);
              chapters.add(new Chapter(previous.number(), previous.heading(),
                  previous.text() + "\n\n" + cand.heading + "\n\n" + leaf.text()));
            } else {
              chapters.add(leaf);
            }
          }
        }
        case CHAPTER, BARE -> {
          boolean counted = cand.kind == Kind.CHAPTER ? hasChapters : useBare;
          if (counted && body >= MIN_CHAPTER_LETTERS) {
            chapters.add(chapter(chapters.size() + 1, stack, cand.heading, lines, cand.lastLine + 1, end));
          }
        }
        default -> { }
      }
    }
    if (chapters.isEmpty()) {
      return sections(text);
    }
    return chapters;
  }

  private static Chapter chapter(int number, List<String[]> stack, String heading, String[] lines, int from,
                                 int to) {
    StringBuilder path = new StringBuilder();
    for (String[] level : stack) {
      appendPart(path, level[1]);
    }
    if (heading != null) {
      appendPart(path, heading);
    }
    StringBuilder body = new StringBuilder();
    for (int i = from; i < to; i++) {
      body.append(lines[i]).append('\n');
    }
    return new Chapter(number, path.toString(), body.toString().strip());
  }

  /** Joins heading levels with ". " unless the level already ends in punctuation. */
  private static void appendPart(StringBuilder path, String part) {
    if (path.length() > 0) {
      char last = path.charAt(path.length() - 1);
      path.append(last == '.' || last == ':' || last == '!' || last == '?' ? " " : ". ");
    }
    path.append(part);
  }

  /**
   * Letters of the prose lines (heading lines excluded) under candidate {@code c}, counted up to
   * {@code cap}: the rules only compare with thresholds, so a long body is not counted through.
   */
  private static int bodyLetters(List<Candidate> candidates, int c, String[] lines, Kind[] kinds, int cap) {
    int from = candidates.get(c).lastLine + 1;
    int to = c + 1 < candidates.size() ? candidates.get(c + 1).line : lines.length;
    int count = 0;
    for (int i = from; i < to && count < cap; i++) {
      if (kinds[i] != null) {
        continue;
      }
      String line = lines[i];
      for (int k = 0; k < line.length(); k++) {
        char ch = line.charAt(k);
        int lower = ch | 0x20;
        if (ch < 128 ? lower >= 'a' && lower <= 'z' : Character.isLetter(ch)) {
          count++;
        }
      }
    }
    return Math.min(count, cap);
  }

  private static Kind classify(String line) {
    if (line.isEmpty() || line.length() > 100) {
      return null;
    }
    char first = line.charAt(0);
    switch (first) {
      case 'B', 'P', 'V' -> {
        if (LEVEL.matcher(line).matches()) {
          return Kind.LEVEL;
        }
      }
      case 'C' -> {
        if (CHAPTER.matcher(line).matches()) {
          return Kind.CHAPTER;
        }
      }
      case 'E', 'F', 'S', 'T' -> {
        if (line.length() <= 80 && EPILOGUE.matcher(line).matches()) {
          return Kind.EPILOGUE;
        }
      }
      default -> { }
    }
    if (line.length() <= 70 && "IVXLC".indexOf(first) >= 0 && BARE.matcher(line).matches()) {
      return Kind.BARE;
    }
    if (line.length() <= 80 && Character.isUpperCase(first) && MATTER.matcher(line).matches()) {
      return Kind.MATTER;
    }
    return null;
  }

  private static boolean blankBefore(String[] lines, int i) {
    return i == 0 || lines[i - 1].isBlank();
  }

  private static boolean blankAfter(String[] lines, int i) {
    return i + 1 >= lines.length || lines[i + 1].isBlank();
  }

  /** A text without headings: sections of about {@link #SECTION_TARGET_CHARS}, cut at paragraph ends. */
  static List<Chapter> sections(String text) {
    List<Chapter> out = new ArrayList<>();
    String[] paragraphs = text.strip().split("\\n\\s*\\n");
    StringBuilder current = new StringBuilder();
    for (String p : paragraphs) {
      if (p.isBlank()) {
        continue;
      }
      if (current.length() > 0) {
        current.append("\n\n");
      }
      current.append(p.strip());
      if (current.length() >= SECTION_TARGET_CHARS) {
        out.add(new Chapter(out.size() + 1, "Section " + (out.size() + 1), current.toString()));
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      // A short tail joins the previous section rather than standing alone.
      if (!out.isEmpty() && current.length() < SECTION_TARGET_CHARS / 4) {
        Chapter last = out.remove(out.size() - 1);
        out.add(new Chapter(last.number(), last.heading(), last.text() + "\n\n" + current));
      } else {
        out.add(new Chapter(out.size() + 1, "Section " + (out.size() + 1), current.toString()));
      }
    }
    return out;
  }
}
