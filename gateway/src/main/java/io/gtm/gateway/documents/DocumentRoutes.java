package io.gtm.gateway.documents;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.gateway.events.StoredRows;
import io.gtm.gateway.http.HttpSupport;
import io.gtm.common.model.DbWrite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/documents} (the text as the body, {@code ?title=}), {@code GET /api/documents/{id}},
 * {@code GET /api/documents/{id}/chapters}, {@code DELETE /api/documents/{id}}. The document is stored
 * first, then handed to the summarizer, so a document accepted here is never lost: a summarizer
 * that starts later picks up queued documents.
 */
public final class DocumentRoutes {
  private static final Logger log = LoggerFactory.getLogger(DocumentRoutes.class);
  static final int MAX_TITLE = 300;

  private final Vertx vertx;
  private final EngineConfig config;

  public DocumentRoutes(Vertx vertx, EngineConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Adds this part's routes to the gateway's router. */
  public Future<Void> mount(Router router) {
    router.post("/api/documents").handler(this::create);
    router.get("/api/documents/:id").handler(this::get);
    router.get("/api/documents/:id/chapters").handler(this::chapters);
    router.delete("/api/documents/:id").handler(this::cancel);
    return Future.succeededFuture();
  }

  private void create(RoutingContext ctx) {
    String text;
    String title;
    try {
      text = text(ctx.body() == null ? null : ctx.body().buffer());
      title = title(ctx.queryParams().get("title"), text);
      HttpSupport.acquireJobSlot(ctx);
    } catch (RuntimeException e) {
      HttpSupport.fail(ctx, e);
      return;
    }
    String id = "doc_" + UUID.randomUUID().toString().replace("-", "");
    JsonObject row = new JsonObject().put("id", id).put("title", title).put("status", "queued")
        .put("content", text).put("owner_key", owner(ctx)).put("chapters_total", 0)
        .put("chapters_done", 0).put("chapters_failed", 0).put("llm_calls", 0);
    vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("documents", List.of(row)).toJson(),
            new DeliveryOptions().setSendTimeout(60_000))
        .onSuccess(stored -> {
          vertx.eventBus().request(Addresses.SUMMARIZE_DOCUMENT, new JsonObject().put("document_id", id))
              .onFailure(err -> log.warn("document {} stored but not yet accepted by a summarizer: {}", id, err.getMessage()));
          ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("document_id", id).encode());
        })
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    document(id, owner(ctx))
        .onSuccess(row -> ctx.response().putHeader("Content-Type", "application/json").end(view(row).encode()))
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  private void chapters(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    document(id, owner(ctx))
        .compose(row -> StoredRows.read(vertx, DbQueries.CHAPTERS, new JsonObject().put("document_id", id), readTimeoutMs()))
        .onSuccess(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(o -> {
            JsonObject c = (JsonObject) o;
            out.add(new JsonObject().put("number", c.getInteger("number")).put("heading", c.getString("heading"))
                .put("title", c.getString("title")).put("summary", c.getString("summary"))
                .put("preview", c.getString("preview")).put("status", c.getString("status"))
                .put("error", c.getString("error")));
          });
          ctx.response().putHeader("Content-Type", "application/json").end(out.encode());
        })
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  private void cancel(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    document(id, owner(ctx))
        .compose(row -> {
          String status = row.getString("status");
          if (List.of("done", "partial", "failed", "cancelled").contains(status)) {
            return Future.succeededFuture(status);
          }
          vertx.eventBus().publish(Addresses.SUMMARIZE_CANCEL, new JsonObject().put("document_id", id));
          JsonObject update = new JsonObject().put("id", id).put("status", "cancelled");
          return vertx.eventBus().request(Addresses.DB_WRITE, new DbWrite("documents", List.of(update)).toJson())
              .map("cancelled");
        })
        .onSuccess(status -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("document_id", id).put("status", status).encode()))
        .onFailure(err -> HttpSupport.fail(ctx, err));
  }

  static JsonObject view(JsonObject row) {
    return new JsonObject().put("document_id", row.getString("id")).put("title", row.getString("title"))
        .put("status", row.getString("status")).put("chapters_total", row.getInteger("chapters_total", 0))
        .put("chapters_done", row.getInteger("chapters_done", 0))
        .put("chapters_failed", row.getInteger("chapters_failed", 0))
        .put("llm_calls", row.getInteger("llm_calls", 0))
        .put("processing_time_ms", row.getLong("processing_time_ms"))
        .put("created_at", row.getValue("created_at")).put("finished_at", row.getValue("finished_at"));
  }

  /** The stored document; 404 when unknown or another key's, 503 when the store does not answer in time. */
  private Future<JsonObject> document(String id, String owner) {
    return StoredRows.read(vertx, DbQueries.DOCUMENT, new JsonObject().put("id", id), readTimeoutMs()).compose(rows -> {
      if (rows.isEmpty() || !HttpSupport.mayRead(owner, rows.getJsonObject(0).getString("owner_key"))) {
        return Future.failedFuture(new ApiException(ErrorCode.NOT_FOUND, "no document " + id));
      }
      return Future.succeededFuture(rows.getJsonObject(0));
    });
  }

  /** The body as UTF-8 text (a BOM is kept: the splitter handles it); empty or binary bodies are refused. */
  static String text(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ApiException(ErrorCode.VALIDATION, "the document text is required as the request body", "body");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "the document must be UTF-8 plain text", "body");
    }
    if (text.indexOf('\0') >= 0) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "the document must be plain text, not binary", "body");
    }
    if (text.isBlank()) {
      throw new ApiException(ErrorCode.VALIDATION, "the document text is empty", "body");
    }
    return text;
  }

  /** The {@code title} parameter, else the Gutenberg {@code Title:} line, else the first line. */
  static String title(String param, String text) {
    if (param != null) {
      String t = param.strip();
      if (t.isEmpty() || t.length() > MAX_TITLE) {
        throw new ApiException(ErrorCode.VALIDATION, "title must be 1 to " + MAX_TITLE + " characters", "title");
      }
      return t;
    }
    for (String line : text.lines().limit(200).toList()) {
      String l = line.strip().replace("\uFEFF", "");
      if (l.startsWith("Title:") && l.length() > 6) {
        return truncate(l.substring(6).strip());
      }
    }
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
        .map(l -> truncate(l.replace("\uFEFF", ""))).orElse("Untitled");
  }

  private static String truncate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120);
  }

  /** How long a client's read waits for the store ({@code GATEWAY_READ_TIMEOUT_MS}). */
  private long readTimeoutMs() {
    return config.getInt("GATEWAY_READ_TIMEOUT_MS");
  }

  /** The caller's owner identity (its API key's), or null when the API is open. */
  private static String owner(RoutingContext ctx) {
    return HttpSupport.jobOwner(ctx);
  }

}
