package io.gtm.summarizer.internal;

import io.gtm.common.llm.offline.SentenceSplitter;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a chapter into overlapping chunks for the map step. A chapter up to {@code threshold}
 * characters is one chunk. Longer ones are cut into pieces of at most {@code size} characters, each
 * ending at the last paragraph end that fits (if one lies in the second half of the piece), else the
 * last sentence end, else the last space; only a single word longer than the size is cut inside.
 * Each next chunk starts {@code overlap} characters back, moved forward to a sentence start (or a
 * word start) so it never begins mid-word.
 */
public final class Chunker {
  public static final int DEFAULT_SIZE = 3500;
  public static final int DEFAULT_OVERLAP = 275;
  public static final int DEFAULT_THRESHOLD = 5000;

  private final int size;
  private final int overlap;
  private final int threshold;

  /** One chunk: its position in the chapter and its text ({@code text = chapter.substring(start, end)}). */
  public record Chunk(int index, int start, int end, String text) {}

  public Chunker(int size, int overlap, int threshold) {
    if (size < 100) {
      throw new IllegalArgumentException("CHUNK_SIZE must be at least 100, was " + size);
    }
    if (overlap < 0 || overlap >= size / 2) {
      throw new IllegalArgumentException("CHUNK_OVERLAP must be between 0 and CHUNK_SIZE/2, was " + overlap);
    }
    if (threshold < size) {
      throw new IllegalArgumentException("CHUNK_THRESHOLD must be at least CHUNK_SIZE, was " + threshold);
    }
    this.size = size;
    this.overlap = overlap;
    this.threshold = threshold;
  }

  public Chunker() {
    this(DEFAULT_SIZE, DEFAULT_OVERLAP, DEFAULT_THRESHOLD);
  }

  public List<Chunk> chunk(String text) {
    List<Chunk> out = new ArrayList<>();
    int len = text.length();
    if (len <= threshold) {
      out.add(new Chunk(0, 0, len, text));
      return out;
    }
    List<int[]> sentences = SentenceSplitter.spans(text);
    int start = 0;
    while (start < len) {
      if (len - start <= size) {
        out.add(new Chunk(out.size(), start, len, text.substring(start, len)));
        break;
      }
      int end = cutPoint(text, start, start + size, sentences);
      out.add(new Chunk(out.size(), start, end, text.substring(start, end).strip()));
      int next = overlapStart(text, start, end, sentences);
      start = skipSpace(text, next);
    }
    return out;
  }

  /** The best end in (start, limit]: a paragraph end, else a sentence end, else a space. */
  private static int cutPoint(String text, int start, int limit, List<int[]> sentences) {
    int half = start + (limit - start) / 2;
    int para = text.lastIndexOf("\n\n", limit - 1);
    if (para > half) {
      return para;
    }
    int sentenceEnd = -1;
    for (int[] s : sentences) {
      if (s[1] > limit) {
        break;
      }
      if (s[1] > start) {
        sentenceEnd = s[1];
      }
    }
    if (sentenceEnd > start + (limit - start) / 4) {
      return sentenceEnd;
    }
    for (int i = limit; i > start; i--) {
      if (Character.isWhitespace(text.charAt(i - 1))) {
        return i - 1 > start ? i - 1 : i;
      }
    }
    return limit; // one word longer than the size
  }

  /** Where the next chunk starts: {@code overlap} back from the end, at a sentence or word start. */
  private int overlapStart(String text, int start, int end, List<int[]> sentences) {
    if (overlap == 0) {
      return end;
    }
    int from = Math.max(start + 1, end - overlap);
    for (int[] s : sentences) {
      if (s[0] >= from && s[0] < end) {
        return s[0];
      }
      if (s[0] >= end) {
        break;
      }
    }
    for (int i = from; i < end; i++) {
      if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return end;
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
