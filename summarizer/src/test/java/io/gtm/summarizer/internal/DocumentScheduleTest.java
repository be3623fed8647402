package io.gtm.summarizer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.summarizer.internal.DocumentSchedule.ChapterWork;
import io.gtm.summarizer.internal.DocumentSchedule.Kind;
import io.gtm.summarizer.internal.DocumentSchedule.Outcome;
import io.gtm.summarizer.internal.DocumentSchedule.Task;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The schedule driven by a fake LLM on a fake clock: exact, deterministic numbers. */
class DocumentScheduleTest {

  /** The result of one simulated run. */
  record Run(long makespan, long serviceTime, int maxInFlight, int maxOpen, List<Outcome> outcomes,
             List<Long> finishedAt, Map<Kind, Integer> calls, List<Task> tasks) {}

  /**
   * Runs {@code schedule} with {@code limit} slots; a call takes {@code 20 + chars / 10} ms of fake
   * time (latency grows with the prompt); {@code fails} picks attempts that fail.
   */
  static Run simulate(DocumentSchedule schedule, int limit, Predicate<Task> fails) {
    record Running(long end, Task task, boolean fail) {}
    PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Long.compare(a.end, b.end));
    long now = 0;
    long service = 0;
    int maxInFlight = 0;
    int maxOpen = 0;
    List<Outcome> outcomes = new ArrayList<>();
    List<Long> finishedAt = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    Map<Kind, Integer> calls = new EnumMap<>(Kind.class);
    while (!schedule.finished()) {
      while (running.size() < limit) {
        Task t = schedule.next(now);
        if (t == null) {
          break;
        }
        long cost = 20 + t.inputChars() / 10;
        service += cost;
        calls.merge(t.kind(), 1, Integer::sum);
        tasks.add(t);
        running.add(new Running(now + cost, t, fails.test(t)));
      }
      maxInFlight = Math.max(maxInFlight, running.size());
      maxOpen = Math.max(maxOpen, schedule.openChapters());
      if (running.isEmpty()) {
        long wake = schedule.nextReadyAt();
        assertThat(wake).as("nothing running and nothing waiting: the schedule is stuck").isGreaterThan(now);
        now = wake;
        continue;
      }
      Running r = running.poll();
      now = r.end;
      Task t = r.task;
      Outcome o;
      if (r.fail) {
        o = schedule.failed(t, "HTTP 500", false, now);
      } else if (t.kind() == Kind.TITLE) {
        o = schedule.titled(t, "Title " + t.chapter(), "Preview " + t.chapter());
      } else {
        o = schedule.succeeded(t, "S" + t.chapter() + "." + t.level() + "." + t.slot() + " " + "x".repeat(300));
      }
      if (o != null) {
        outcomes.add(o);
        finishedAt.add(now);
      }
    }
    return new Run(now, service, maxInFlight, maxOpen, outcomes, finishedAt, calls, tasks);
  }

  static List<ChapterWork> book() throws Exception {
    List<ChapterWork> work = new ArrayList<>();
    Chunker chunker = new Chunker();
    for (Chapter c : ChapterSplitter.split(Corpus.read("great-expectations.txt"))) {
      work.add(new ChapterWork(c.number(), c.heading(), chunker.chunk(c.text()).stream().map(Chunker.Chunk::text).toList()));
    }
    return work;
  }

  @Test
  void aBookFinishesNearTheBoundWithChaptersInOrderAndTheFirstEarly() throws Exception {
    List<ChapterWork> book = book();
    Run run = simulate(new DocumentSchedule(book, 12_000, 3, 100), 4, t -> false);

    assertThat(run.outcomes()).hasSize(59).allMatch(Outcome::done);
    assertThat(run.maxInFlight()).isEqualTo(4);
    double bound = run.serviceTime() / 4.0;
    assertThat(run.makespan()).isLessThanOrEqualTo((long) Math.ceil(bound * 1.03));
    // results early and in a steady stream: the first chapter lands in the first 10 %, few chapters are open at once
    assertThat(run.finishedAt().get(0)).isLessThan(run.makespan() / 10);
    assertThat(run.maxOpen()).isLessThanOrEqualTo(4);
    List<Integer> order = run.outcomes().stream().map(Outcome::number).toList();
    int inversions = 0;
    for (int i = 1; i < order.size(); i++) {
      if (order.get(i) < order.get(i - 1)) {
        inversions++;
      }
    }
    assertThat(inversions).isLessThanOrEqualTo(order.size() / 4);
    assertThat(run.finishedAt().get(order.size() / 2)).isBetween(run.makespan() / 4, run.makespan() * 3 / 4);
    // no call a smarter plan avoids: one TITLE per chapter, no REDUCE for one-chunk chapters
    int multiChunk = (int) book.stream().filter(c -> c.chunks().size() > 1).count();
    int chunks = book.stream().mapToInt(c -> c.chunks().size()).sum();
    assertThat(run.calls()).containsEntry(Kind.MAP, chunks).containsEntry(Kind.TITLE, 59).containsEntry(Kind.REDUCE, multiChunk);
  }

  @Test
  void aOneChunkChapterIsNotReducedAndTitleComesFromItsSummary() {
    DocumentSchedule s = new DocumentSchedule(List.of(new ChapterWork(1, "CHAPTER I", List.of("short text"))), 1000, 3, 10);
    Task map = s.next(0);
    assertThat(map.kind()).isEqualTo(Kind.MAP);
    assertThat(s.next(0)).isNull();
    s.succeeded(map, "the summary");
    Task title = s.next(0);
    assertThat(title.kind()).isEqualTo(Kind.TITLE);
    assertThat(title.inputs()).containsExactly("the summary");
    Outcome o = s.titled(title, "A Title", "A preview");
    assertThat(o).isEqualTo(new Outcome(1, "CHAPTER I", true, "the summary", "A Title", "A preview", null));
    assertThat(s.finished()).isTrue();
  }

  @Test
  void summariesOverTheBudgetCollapseInLevelsWithEveryReduceWithinBudget() {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      chunks.add("chunk " + i);
    }
    DocumentSchedule s = new DocumentSchedule(List.of(new ChapterWork(1, "CHAPTER I", chunks)), 1000, 3, 10);
    Run run = simulate(s, 4, t -> false); // each summary is ~310 chars: 3 fit in one reduce
    assertThat(run.outcomes()).hasSize(1).allMatch(Outcome::done);
    List<Task> reduces = run.tasks().stream().filter(t -> t.kind() == Kind.REDUCE).toList();
    assertThat(reduces).allMatch(t -> t.inputChars() <= 1000 && t.inputs().size() >= 2);
    assertThat(reduces.stream().mapToInt(Task::level).max().getAsInt()).isEqualTo(2);
    assertThat(reduces).hasSize(4); // 9 -> 3 -> 1
    assertThat(run.outcomes().get(0).summary()).startsWith("S1.2.0");
  }

  @Test
  void aFailedCallWaitsOutItsBackoffWithoutASlotWhileOtherWorkRuns() {
    List<ChapterWork> work = List.of(new ChapterWork(1, "CHAPTER I", List.of("a")),
        new ChapterWork(2, "CHAPTER II", List.of("b")), new ChapterWork(3, "CHAPTER III", List.of("c")));
    DocumentSchedule s = new DocumentSchedule(work, 1000, 3, 1000);
    Task first = s.next(0);
    assertThat(first.chapter()).isEqualTo(1);
    assertThat(s.failed(first, "HTTP 500", false, 20)).isNull();
    // chapter 1 waits until 20 + 1000; meanwhile the free slot takes chapter 2's work
    Task other = s.next(21);
    assertThat(other.chapter()).isEqualTo(2);
    assertThat(s.nextReadyAt()).isEqualTo(1020);
    Task again = s.next(1020);
    assertThat(again.chapter()).isEqualTo(1);
    assertThat(again.attempts()).isEqualTo(2);
  }

  @Test
  void aChapterWhoseCallsKeepFailingFailsWithTheReasonAndTheOthersFinish() {
    List<ChapterWork> work = List.of(new ChapterWork(1, "CHAPTER I", List.of("a", "b")),
        new ChapterWork(2, "CHAPTER II", List.of("c")));
    Run run = simulate(new DocumentSchedule(work, 1000, 3, 50), 4, t -> t.chapter() == 1 && t.slot() == 1);
    assertThat(run.outcomes()).hasSize(2);
    Outcome failed = run.outcomes().stream().filter(o -> o.number() == 1).findFirst().orElseThrow();
    assertThat(failed.done()).isFalse();
    assertThat(failed.summary()).isNull();
    assertThat(failed.error()).isEqualTo("map failed after 3 attempts: HTTP 500");
    assertThat(run.outcomes().stream().filter(o -> o.number() == 2).findFirst().orElseThrow().done()).isTrue();
    assertThat(run.calls().get(Kind.MAP)).isEqualTo(2 + 3); // chapter 1's good chunk once, the bad one 3 times, chapter 2 once
  }

  @Test
  void aTerminalFailureIsNotRetried() {
    DocumentSchedule s = new DocumentSchedule(List.of(new ChapterWork(1, "CHAPTER I", List.of("a"))), 1000, 3, 10);
    Task t = s.next(0);
    Outcome o = s.failed(t, "invalid api key", true, 5);
    assertThat(o.done()).isFalse();
    assertThat(o.error()).contains("after 1 attempt:");
    assertThat(s.finished()).isTrue();
  }

  @Test
  void withFivePercentOfCallsFailingTheMakespanStaysNearTheBoundOfTheWorkDone() throws Exception {
    List<ChapterWork> book = book();
    int[] n = {0};
    Run run = simulate(new DocumentSchedule(book, 12_000, 4, 100), 4, t -> n[0]++ % 20 == 7);
    assertThat(run.outcomes()).allMatch(Outcome::done);
    assertThat(run.makespan()).isLessThanOrEqualTo((long) Math.ceil(run.serviceTime() / 4.0 * 1.03));
  }
}
