package io.gtm.engine.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.llm.LlmOperations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Crash in the middle of a book: the whole Vert.x instance (db-writer, gateway, summarizer) is
 * closed while chapters are being summarised, a new one is started on the same database, takes
 * the document over once the old heartbeat is stale, and finishes it: chapters stored before the
 * crash are not summarised again, none is stored twice, and the event stream continues.
 */
class DocumentRestartTest {

  @Test
  void aDocumentInterruptedMidBookIsResumedByANewProcessWithoutRedoingStoredChapters() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    Map<String, String> env = DocumentStack.testEnv();
    RecordingLlm before = new RecordingLlm();
    before.delayMs = 15;
    DocumentStack first = DocumentStack.start(env, before);
    String id;
    Instant crash;
    try {
      id = first.upload(book, "Interrupted");
      Instant deadline = Instant.now().plusSeconds(60);
      while (doneCount(first.storedChapters(id)) < 10) {
        assertThat(Instant.now()).as("10 chapters stored within a minute").isBefore(deadline);
        DocumentStack.await(io.vertx.core.Future.<Void>future(p -> first.vertx.setTimer(20, t -> p.complete())));
      }
    } finally {
      first.close();
      crash = Instant.now();
    }

    RecordingLlm after = new RecordingLlm();
    DocumentStack second = DocumentStack.start(env, after, false);
    try {
      JsonObject doc = second.awaitDocument(id, DocumentStack::finished, Duration.ofSeconds(120));
      assertThat(doc.getString("status")).isEqualTo("done");
      assertThat(doc.getInteger("chapters_done")).isEqualTo(59);

      JsonArray stored = second.storedChapters(id);
      assertThat(stored).hasSize(59);
      Set<Integer> numbers = new HashSet<>();
      Set<String> doneBeforeCrash = new HashSet<>();
      for (Object o : stored) {
        JsonObject c = (JsonObject) o;
        numbers.add(c.getInteger("number"));
        assertThat(c.getString("status")).isEqualTo("done");
        assertThat(c.getString("summary")).isNotBlank();
        if (Instant.parse(c.getString("updated_at")).isBefore(crash)) {
          doneBeforeCrash.add(c.getString("heading"));
        }
      }
      assertThat(numbers).hasSize(59);
      assertThat(doneBeforeCrash).hasSizeGreaterThanOrEqualTo(10).hasSizeLessThan(59);
      // chapters stored before the crash: not one call after it
      assertThat(after.byHeading.keySet()).doesNotContainAnyElementsOf(doneBeforeCrash);
      assertThat(after.calls.get()).isPositive();
      // nothing summarised twice beyond the calls that were in flight at the crash
      Map<String, Integer> clean = DocumentPipelineTest.expectedCalls(book);
      int cleanTotal = clean.values().stream().mapToInt(Integer::intValue).sum();
      assertThat(before.calls.get() + after.calls.get()).isLessThanOrEqualTo(cleanTotal + 4);
      assertThat(before.count(LlmOperations.TITLE_PREVIEW) + after.count(LlmOperations.TITLE_PREVIEW)).isLessThanOrEqualTo(59 + 4);

      // the event stream continues after the stored events: document_complete is stored, last
      JsonArray events = DocumentStack.await(second.vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY,
          new JsonObject().put("query", DbQueries.JOB_EVENTS).put("params", new JsonObject().put("job_id", id))))
          .body().getJsonArray("rows");
      JsonObject last = events.getJsonObject(events.size() - 1);
      assertThat(last.getString("type")).isEqualTo("document_complete");
      assertThat(last.getJsonObject("data").getString("status")).isEqualTo("done");
      assertThat(events.stream().filter(e -> "chapter_done".equals(((JsonObject) e).getString("type"))).count())
          .isBetween(50L, 59L);
    } finally {
      second.close();
    }
  }

  private static long doneCount(JsonArray chapters) {
    return chapters.stream().filter(o -> "done".equals(((JsonObject) o).getString("status"))).count();
  }
}
