package io.gtm.engine.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.Addresses;
import io.gtm.common.llm.LlmOperations;
import io.gtm.summarizer.internal.ChapterSplitter;
import io.gtm.summarizer.internal.Chunker;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The documents pipeline end to end: HTTP upload through the gateway, db-writer on PostgreSQL,
 * the summarizer, Great Expectations (59 chapters) from the shared corpus.
 */
class DocumentPipelineTest {
  private static final Duration BOOK = Duration.ofSeconds(120);
  private DocumentStack stack;
  private io.vertx.core.http.WebSocketClient webSockets;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** LLM calls a clean run makes: every chunk, a reduce per chapter of several chunks, one title call per chapter. */
  static Map<String, Integer> expectedCalls(String book) {
    int chunks = 0;
    int multi = 0;
    List<io.gtm.summarizer.internal.Chapter> chapters = ChapterSplitter.split(book);
    for (var c : chapters) {
      int n = new Chunker().chunk(c.text()).size();
      chunks += n;
      multi += n > 1 ? 1 : 0;
    }
    return Map.of(LlmOperations.SUMMARIZE_CHUNK, chunks, LlmOperations.REDUCE, multi,
        LlmOperations.TITLE_PREVIEW, chapters.size());
  }

  @Test
  void aBookIsSummarisedOverHttpEveryChapterStoredOnceWithItsFieldsAndEventsInOrder() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    RecordingLlm llm = new RecordingLlm();
    stack = DocumentStack.start(DocumentStack.testEnv(), llm);
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    String id = stack.upload(book, "Great%20Expectations");
    // progress over the gateway's WebSocket: replay of what was already emitted, then live
    // held in a field: Vert.x closes a client nothing refers to, even mid-handshake
    webSockets = stack.vertx.createWebSocketClient();
    io.vertx.core.http.WebSocket socket = DocumentStack.await(
        webSockets.connect(stack.gateway.actualPort(), "127.0.0.1", "/ws"));
    socket.textMessageHandler(t -> events.add(new JsonObject(t)));
    DocumentStack.await(socket.writeTextMessage(new JsonObject().put("subscribe", id).encode()));

    JsonObject doc = stack.awaitDocument(id, DocumentStack::finished, BOOK);
    assertThat(doc.getString("status")).isEqualTo("done");
    assertThat(doc.getString("title")).isEqualTo("Great Expectations");
    assertThat(doc.getInteger("chapters_total")).isEqualTo(59);
    assertThat(doc.getInteger("chapters_done")).isEqualTo(59);
    assertThat(doc.getInteger("chapters_failed")).isZero();
    assertThat(doc.getLong("processing_time_ms")).isPositive();

    // one call per chunk, a reduce only for chapters of several chunks, title and preview in one call
    Map<String, Integer> expected = expectedCalls(book);
    assertThat(llm.count(LlmOperations.SUMMARIZE_CHUNK)).isEqualTo(expected.get(LlmOperations.SUMMARIZE_CHUNK));
    assertThat(llm.count(LlmOperations.REDUCE)).isEqualTo(expected.get(LlmOperations.REDUCE));
    assertThat(llm.count(LlmOperations.TITLE_PREVIEW)).isEqualTo(59);
    assertThat(doc.getInteger("llm_calls")).isEqualTo(llm.calls.get());
    assertThat(llm.maxInFlight.get()).isLessThanOrEqualTo(4);

    JsonArray chapters = stack.call(HttpMethod.GET, "/api/documents/" + id + "/chapters", null).array();
    assertThat(chapters).hasSize(59);
    Set<Integer> numbers = new HashSet<>();
    for (int i = 0; i < chapters.size(); i++) {
      JsonObject c = chapters.getJsonObject(i);
      numbers.add(c.getInteger("number"));
      assertThat(c.getString("status")).isEqualTo("done");
      assertThat(c.getString("heading")).startsWith("Chapter");
      assertThat(c.getString("summary")).isNotBlank();
      assertThat(c.getString("title")).isNotBlank();
      assertThat(c.getString("preview")).isNotBlank();
      assertThat(c.getValue("error")).isNull();
    }
    assertThat(numbers).hasSize(59).contains(1, 59);
    JsonArray stored = stack.storedChapters(id);
    assertThat(stored).hasSize(59);
    assertThat(stored.stream().map(o -> ((JsonObject) o).getString("content_hash")).distinct()).hasSize(59);

    // progress over WebSocket: every chapter's chapter_done once, progress counting up, document_complete last
    java.time.Instant until = java.time.Instant.now().plusSeconds(30);
    while (events.stream().noneMatch(e -> "document_complete".equals(e.getString("type")))) {
      assertThat(java.time.Instant.now()).as("document_complete over the WebSocket; received " + events).isBefore(until);
      DocumentStack.await(io.vertx.core.Future.<Void>future(p -> stack.vertx.setTimer(20, t -> p.complete())));
    }
    assertThat(events.get(0).getString("type")).isEqualTo("subscribed");
    List<JsonObject> stream = events.subList(1, events.size());
    assertThat(stream.stream().map(e -> e.getLong("id")).toList()).isSorted().doesNotHaveDuplicates();
    List<JsonObject> chapterDone = stream.stream().filter(e -> "chapter_done".equals(e.getString("type"))).toList();
    assertThat(chapterDone).hasSize(59);
    assertThat(chapterDone.stream().map(e -> e.getInteger("number")).distinct()).hasSize(59);
    assertThat(chapterDone).allSatisfy(e -> {
      assertThat(e.getString("document_id")).isEqualTo(id);
      assertThat(e.getString("heading")).isNotBlank();
      assertThat(e.getString("title")).isNotBlank();
      assertThat(e.getString("status")).isEqualTo("done");
    });
    List<JsonObject> progress = stream.stream().filter(e -> "document_progress".equals(e.getString("type"))).toList();
    assertThat(progress.stream().map(e -> e.getInteger("chapters_done")).toList()).isSorted().endsWith(59);
    assertThat(progress.get(0).getInteger("chapters_total")).isEqualTo(59);
    JsonObject last = stream.get(stream.size() - 1);
    assertThat(last.getString("type")).isEqualTo("document_complete");
    assertThat(last.getString("status")).isEqualTo("done");
    DocumentStack.await(socket.close()); // an open WebSocket would hold the server's shutdown for its grace period

    // the same book again: every answer comes from the summary cache
    int before = llm.calls.get();
    String again = stack.upload(book, "Again");
    JsonObject second = stack.awaitDocument(again, DocumentStack::finished, BOOK);
    assertThat(second.getString("status")).isEqualTo("done");
    assertThat(second.getInteger("chapters_done")).isEqualTo(59);
    assertThat(second.getInteger("llm_calls")).isZero();
    assertThat(llm.calls.get()).isEqualTo(before);
    JsonArray againChapters = stack.call(HttpMethod.GET, "/api/documents/" + again + "/chapters", null).array();
    assertThat(againChapters.getJsonObject(0).getString("summary")).isEqualTo(chapters.getJsonObject(0).getString("summary"));
  }

  @Test
  void aProviderThatAlwaysFailsEndsWithFailedChaptersAndAFinishedDocument() throws Exception {
    RecordingLlm llm = new RecordingLlm();
    llm.failAll = true;
    Map<String, String> env = DocumentStack.testEnv();
    env.put("SUMMARIZER_TASK_ATTEMPTS", "2");
    stack = DocumentStack.start(env, llm);
    String text = "CHAPTER I.\n\n" + "The first chapter tells of a long walk by the river. ".repeat(20)
        + "\n\nCHAPTER II.\n\n" + "The second chapter tells of a quiet supper at home. ".repeat(20) + "\n";
    String id = stack.upload(text, "Failing");
    JsonObject doc = stack.awaitDocument(id, DocumentStack::finished, Duration.ofSeconds(30));
    assertThat(doc.getString("status")).isEqualTo("failed");
    assertThat(doc.getInteger("chapters_failed")).isEqualTo(2);
    assertThat(doc.getInteger("llm_calls")).isEqualTo(4); // each chapter's one chunk, tried twice
    JsonArray chapters = stack.call(HttpMethod.GET, "/api/documents/" + id + "/chapters", null).array();
    assertThat(chapters).hasSize(2);
    for (Object o : chapters) {
      JsonObject c = (JsonObject) o;
      assertThat(c.getString("status")).isEqualTo("failed");
      assertThat(c.getString("error")).isEqualTo("map failed after 2 attempts: HTTP 500 server_error");
      assertThat(c.getValue("summary")).isNull();
      assertThat(c.getValue("title")).isNull();
    }
  }

  @Test
  void aCancelledDocumentStopsItsWorkAndStaysCancelled() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    RecordingLlm llm = new RecordingLlm();
    llm.delayMs = 20;
    stack = DocumentStack.start(DocumentStack.testEnv(), llm);
    String id = stack.upload(book, "Cancelled");
    io.vertx.core.Promise<JsonObject> complete = io.vertx.core.Promise.promise();
    stack.vertx.eventBus().<JsonObject>consumer(Addresses.jobEvents(id), m -> {
      if ("document_complete".equals(m.body().getString("type"))) {
        complete.tryComplete(m.body());
      }
    });
    stack.awaitDocument(id, d -> "running".equals(d.getString("status")), Duration.ofSeconds(30));
    assertThat(stack.call(HttpMethod.DELETE, "/api/documents/" + id, null).json().getString("status")).isEqualTo("cancelled");
    assertThat(DocumentStack.await(complete.future()).getString("status")).isEqualTo("cancelled");
    int calls = llm.calls.get();
    assertThat(calls).isLessThan(expectedCalls(book).values().stream().mapToInt(Integer::intValue).sum() / 2);
    // the summarizer let the document go: the next upload runs, and the cancelled one is never resumed
    String next = stack.upload("CHAPTER I.\n\n" + "A short tale of a cat. ".repeat(30) + "\n", "Next");
    stack.awaitDocument(next, DocumentStack::finished, Duration.ofSeconds(30));
    JsonObject doc = stack.document(id);
    assertThat(doc.getString("status")).isEqualTo("cancelled");
    assertThat(doc.getInteger("chapters_done")).isLessThan(59);
    assertThat(llm.byHeading.get("CHAPTER I.").get()).isEqualTo(2);
    assertThat(llm.calls.get()).isEqualTo(calls + 2);
  }

  @Test
  void aTextWithoutChaptersIsSummarisedInSectionsAndAnEmptyOneFails() throws Exception {
    stack = DocumentStack.start(DocumentStack.testEnv(), null);
    String prose = ("A plain essay without any heading at all, going on about gardens and rain. ".repeat(40) + "\n\n").repeat(5);
    JsonObject doc = stack.awaitDocument(stack.upload(prose, "Essay"), DocumentStack::finished, Duration.ofSeconds(30));
    assertThat(doc.getString("status")).isEqualTo("done");
    assertThat(doc.getInteger("chapters_total")).isPositive();
    JsonObject empty = stack.awaitDocument(stack.upload("*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n   \n", "Empty"),
        DocumentStack::finished, Duration.ofSeconds(30));
    assertThat(empty.getString("status")).isEqualTo("failed");
    assertThat(empty.getInteger("chapters_total")).isZero();
  }
}
