package io.gtm.summarizer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The LLM work of one document as a lazily grown set of ready tasks (no Vert.x, no clock of its
 * own: the caller passes {@code now}).
 *
 * <p>Per chapter: one MAP task per chunk; when every chunk summary is in, REDUCE tasks (one, or
 * several in a hierarchical collapse while the summaries exceed {@code reduceBudgetChars});
 * then one TITLE task (title and preview from one call). A chapter of one chunk is not reduced:
 * its chunk summary is the chapter summary.
 *
 * <p>Chapters are opened in book order and only when a caller asks for work that the open
 * chapters cannot give, so the ready set just covers the free slots; the ready task of the lowest
 * chapter is handed out first, so a started chapter finishes before new ones are opened. A failed
 * task is put back with a not-before time (its backoff holds no slot) up to {@code maxAttempts},
 * then its chapter fails.
 */
public final class DocumentSchedule {
  public enum Kind { MAP, REDUCE, TITLE }

  /**
   * What one chapter needs: its number, heading and chunk texts. The chunks may be cut lazily
   * (on first use, once, from any thread), so work on the first chapters starts before a long
   * book is chunked to the end.
   */
  public static final class ChapterWork {
    private final int number;
    private final String heading;
    private Supplier<List<String>> source;
    private List<String> chunks;

    public ChapterWork(int number, String heading, List<String> chunks) {
      this.number = number;
      this.heading = heading;
      this.chunks = checked(number, chunks);
    }

    /** A chapter whose chunks are cut by {@code source} when first needed. */
    public ChapterWork(int number, String heading, Supplier<List<String>> source) {
      this.number = number;
      this.heading = heading;
      this.source = Objects.requireNonNull(source, "source");
    }

    private static List<String> checked(int number, List<String> chunks) {
      List<String> copy = List.copyOf(chunks);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("chapter " + number + " has no chunks");
      }
      return copy;
    }

    public int number() {
      return number;
    }

    public String heading() {
      return heading;
    }

    public synchronized List<String> chunks() {
      if (chunks == null) {
        chunks = checked(number, source.get());
        source = null;
      }
      return chunks;
    }
  }

  /** A finished chapter: done with its texts, or failed with the reason. */
  public record Outcome(int number, String heading, boolean done, String summary, String title, String preview,
                        String error) {}

  /** One LLM call to make. {@code inputs}: MAP one chunk text, REDUCE the summaries, TITLE the summary. */
  public static final class Task {
    private final Kind kind;
    private final ChapterState chapter;
    private final int level;
    private final int slot;
    private final List<String> inputs;
    private int attempts;
    private long readyAt;

    private Task(Kind kind, ChapterState chapter, int level, int slot, List<String> inputs) {
      this.kind = kind;
      this.chapter = chapter;
      this.level = level;
      this.slot = slot;
      this.inputs = List.copyOf(inputs);
    }

    public Kind kind() {
      return kind;
    }

    public int chapter() {
      return chapter.work.number();
    }

    public String heading() {
      return chapter.work.heading();
    }

    public List<String> inputs() {
      return inputs;
    }

    /** Attempts made so far (0 before the first). */
    public int attempts() {
      return attempts;
    }

    /** MAP: the chunk index; REDUCE: the group index in its level. */
    public int slot() {
      return slot;
    }

    public int level() {
      return level;
    }

    /** Input size in characters (for cost models and logs). */
    public int inputChars() {
      int n = 0;
      for (String s : inputs) {
        n += s.length();
      }
      return n;
    }

    @Override
    public String toString() {
      return kind + " ch" + chapter() + " L" + level + "#" + slot;
    }
  }

  private static final class ChapterState {
    final ChapterWork work;
    /** Results of the current level (chunk summaries at level 0, then each collapse). */
    String[] parts;
    int missing;
    int level;
    boolean finished;
    final List<Task> ready = new ArrayList<>();
    int running;

    ChapterState(ChapterWork work) {
      this.work = work;
    }
  }

  private final List<ChapterWork> chapters;
  private final int reduceBudgetChars;
  private final int maxAttempts;
  private final long backoffMs;
  private final List<ChapterState> open = new ArrayList<>();
  private int nextToOpen;
  private int unfinished;
  private int readyCount;

  /**
   * @param chapters          the chapters to summarise, in book order
   * @param reduceBudgetChars most characters of summaries one REDUCE call may take
   * @param maxAttempts       attempts of one task before its chapter fails
   * @param backoffMs         wait before the second attempt (doubling after)
   */
  public DocumentSchedule(List<ChapterWork> chapters, int reduceBudgetChars, int maxAttempts, long backoffMs) {
    if (reduceBudgetChars < 1 || maxAttempts < 1 || backoffMs < 0) {
      throw new IllegalArgumentException("reduceBudgetChars and maxAttempts must be positive, backoffMs >= 0");
    }
    this.chapters = List.copyOf(chapters);
    this.reduceBudgetChars = reduceBudgetChars;
    this.maxAttempts = maxAttempts;
    this.backoffMs = backoffMs;
    this.unfinished = chapters.size();
  }

  /** The chunk texts of a chapter of this schedule. */
  public List<String> chunksOf(int number) {
    for (ChapterWork w : chapters) {
      if (w.number() == number) {
        return w.chunks();
      }
    }
    throw new IllegalArgumentException("no chapter " + number);
  }

  /** True once every chapter is done or failed. */
  public boolean finished() {
    return unfinished == 0;
  }

  /** Tasks ready to run now or after their backoff (opened chapters only). */
  public int readyCount() {
    return readyCount;
  }

  /** Chapters opened and not finished. */
  public int openChapters() {
    return open.size();
  }

  /**
   * The next task to run at {@code now}: the ready task of the lowest open chapter, opening the
   * next chapter only when no open chapter has one. Null when nothing can run now.
   */
  public Task next(long now) {
    while (true) {
      for (ChapterState c : open) {
        for (int i = 0; i < c.ready.size(); i++) {
          Task t = c.ready.get(i);
          if (t.readyAt <= now) {
            c.ready.remove(i);
            c.running++;
            readyCount--;
            t.attempts++;
            return t;
          }
        }
      }
      if (nextToOpen >= chapters.size()) {
        return null;
      }
      openNext();
    }
  }

  /** The earliest not-before time of a task waiting out its backoff, or -1. */
  public long nextReadyAt() {
    long min = -1;
    for (ChapterState c : open) {
      for (Task t : c.ready) {
        if (min < 0 || t.readyAt < min) {
          min = t.readyAt;
        }
      }
    }
    return min;
  }

  private void openNext() {
    ChapterState c = new ChapterState(chapters.get(nextToOpen++));
    List<String> chunks = c.work.chunks();
    c.parts = new String[chunks.size()];
    c.missing = chunks.size();
    for (int i = 0; i < chunks.size(); i++) {
      add(c, new Task(Kind.MAP, c, 0, i, List.of(chunks.get(i))));
    }
    open.add(c);
  }

  private void add(ChapterState c, Task t) {
    c.ready.add(t);
    readyCount++;
  }

  /** A MAP or REDUCE task's summary; returns the chapter's outcome when this finished it (never for these kinds). */
  public Outcome succeeded(Task task, String summary) {
    Objects.requireNonNull(summary, "summary");
    ChapterState c = task.chapter;
    c.running--;
    if (c.finished) {
      return null;
    }
    if (task.kind == Kind.TITLE) {
      throw new IllegalArgumentException("a TITLE task succeeds with titled()");
    }
    c.parts[task.slot] = summary;
    if (--c.missing > 0) {
      return null;
    }
    advance(c);
    return null;
  }

  /** The TITLE task's answer: the chapter is complete. */
  public Outcome titled(Task task, String title, String preview) {
    ChapterState c = task.chapter;
    c.running--;
    if (c.finished) {
      return null;
    }
    return finish(c, new Outcome(c.work.number(), c.work.heading(), true, task.inputs.get(0), title, preview, null));
  }

  /**
   * A failed attempt. Put back with backoff while attempts remain and the failure is not terminal;
   * else the chapter fails and its outcome is returned.
   */
  public Outcome failed(Task task, String reason, boolean terminal, long now) {
    ChapterState c = task.chapter;
    c.running--;
    if (c.finished) {
      return null;
    }
    if (!terminal && task.attempts < maxAttempts) {
      task.readyAt = now + backoffMs * (1L << Math.min(task.attempts - 1, 10));
      add(c, task);
      return null;
    }
    readyCount -= c.ready.size();
    c.ready.clear();
    String error = task.kind.name().toLowerCase() + " failed after " + task.attempts + " attempt"
        + (task.attempts == 1 ? "" : "s") + ": " + reason;
    return finish(c, new Outcome(c.work.number(), c.work.heading(), false, null, null, null, error));
  }

  private Outcome finish(ChapterState c, Outcome outcome) {
    c.finished = true;
    open.remove(c);
    unfinished--;
    return outcome;
  }

  /** Every part of the current level is in: title, one reduce, or a collapse level. */
  private void advance(ChapterState c) {
    String[] parts = c.parts;
    if (parts.length == 1) {
      add(c, new Task(Kind.TITLE, c, c.level + 1, 0, List.of(parts[0])));
      return;
    }
    List<List<String>> groups = groups(parts, reduceBudgetChars);
    c.level++;
    c.parts = new String[groups.size()];
    c.missing = groups.size();
    for (int g = 0; g < groups.size(); g++) {
      if (groups.get(g).size() == 1) { // a group of one passes through: reducing it alone is a wasted call
        c.parts[g] = groups.get(g).get(0);
        c.missing--;
      } else {
        add(c, new Task(Kind.REDUCE, c, c.level, g, groups.get(g)));
      }
    }
  }

  /**
   * Consecutive groups of summaries each within the budget (one group when all fit); always fewer
   * groups than parts, so every level shrinks the work.
   */
  static List<List<String>> groups(String[] parts, int budget) {
    List<List<String>> groups = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int size = 0;
    for (String p : parts) {
      if (!current.isEmpty() && size + p.length() > budget) {
        groups.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(p);
      size += p.length();
    }
    groups.add(current);
    if (groups.size() >= parts.length) { // every part alone over half the budget: reduce in pairs
      groups.clear();
      for (int i = 0; i < parts.length; i += 2) {
        groups.add(i + 1 < parts.length ? List.of(parts[i], parts[i + 1]) : List.of(parts[i]));
      }
    }
    return groups;
  }
}
