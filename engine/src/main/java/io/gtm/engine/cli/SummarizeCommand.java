package io.gtm.engine.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code summarize FILE}: uploads a book, shows chapters completing, then the first chapters' titles. */
final class SummarizeCommand {
  static final long POLL_MS = 500;
  private final Vertx vertx;
  private final ApiClient api;
  private final PrintStream out;

  SummarizeCommand(Vertx vertx, ApiClient api, PrintStream out) {
    this.vertx = vertx;
    this.api = api;
    this.out = out;
  }

  /** Uploads and follows the document; the future holds its final status JSON. */
  Future<JsonObject> run(String title, String text) {
    String path = "/api/documents?title=" + URLEncoder.encode(title, StandardCharsets.UTF_8);
    out.println("Summarising \"" + title + "\" (" + text.length() / 1024 + " KiB)");
    return api.call(HttpMethod.POST, path, Buffer.buffer(text), "text/plain; charset=utf-8")
        .compose(created -> follow(created.getString("document_id")))
        .compose(this::printChapters);
  }

  private Future<JsonObject> follow(String id) {
    ProgressBar bar = new ProgressBar(out, "chapters");
    Promise<JsonObject> done = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(POLL_MS, t -> api.call(HttpMethod.GET, "/api/documents/" + id, null, null)
        .onSuccess(doc -> {
          long total = doc.getLong("chapters_total", 0L);
          long finished = doc.getLong("chapters_done", 0L) + doc.getLong("chapters_failed", 0L);
          if (total > 0) {
            bar.update(finished, total, doc.getLong("chapters_failed", 0L) + " failed, " + doc.getValue("llm_calls") + " LLM calls");
          }
          if (List.of("done", "partial", "failed", "cancelled").contains(doc.getString("status"))) {
            vertx.cancelTimer(timer[0]);
            done.tryComplete(doc);
          }
        })
        .onFailure(err -> {
          vertx.cancelTimer(timer[0]);
          done.tryFail(err);
        }));
    return done.future();
  }

  private Future<JsonObject> printChapters(JsonObject doc) {
    String id = doc.getString("document_id");
    return api.call(HttpMethod.GET, "/api/documents/" + id + "/chapters", null, null).map(list -> {
      JsonArray chapters = list.getJsonArray("items", new JsonArray());
      out.println();
      for (int i = 0; i < Math.min(5, chapters.size()); i++) {
        JsonObject c = chapters.getJsonObject(i);
        out.println(c.getInteger("number") + ". " + c.getString("heading") + " -- " + c.getString("title"));
        out.println("   " + (c.getString("preview") != null ? c.getString("preview") : c.getString("error")));
      }
      out.println(String.format("%n%s: %s chapters (%s failed), %s LLM calls, %s ms", doc.getString("status"),
          doc.getValue("chapters_total"), doc.getValue("chapters_failed"), doc.getValue("llm_calls"),
          doc.getValue("processing_time_ms")));
      return doc;
    });
  }
}
