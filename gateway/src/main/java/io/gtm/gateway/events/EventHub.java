package io.gtm.gateway.events;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.events.JobEventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans job events out to subscribers, first replaying what the job already emitted, then live,
 * with no gap and no duplicate: subscribe to {@code events.job.<id>} first and buffer, ask the
 * job's owner to store what it emitted ({@link JobEventLog#flushAddress}), replay from
 * {@code job_events}, then drain the buffer skipping what the replay covered. Serves the
 * WebSocket {@code /ws} ({@code {"subscribe": id}} -> {@code subscribed}, replay, live) and is the
 * one way documents and reports stream their events too.
 */
public final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final long FLUSH_TIMEOUT_MS = 10_000;

  /**
   * Decides whether a caller may see a job: (job id, caller's owner identity or null) -> allowed.
   * The live owner's identity from the flush reply is checked by the hub itself.
   */
  public interface Access extends BiFunction<String, String, Future<Boolean>> {}

  private final Vertx vertx;
  private final Function<RoutingContext, String> ownerOf;

  /**
   * @param ownerOf the caller's owner identity (API key) of a request, or null when the API is open
   */
  public EventHub(Vertx vertx, Function<RoutingContext, String> ownerOf) {
    this.vertx = vertx;
    this.ownerOf = ownerOf;
  }

  /** Mounts {@code GET /ws}. */
  public void mount(Router router) {
    router.route("/ws").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(ApiException.errorBody(ErrorCode.BAD_REQUEST, "/ws expects a WebSocket upgrade", null).encode());
      return;
    }
    String owner = ownerOf.apply(ctx);
    ctx.request().toWebSocket()
        .onSuccess(ws -> new Session(ws, owner).start())
        .onFailure(err -> log.debug("WebSocket upgrade failed: {}", err.getMessage()));
  }

  /** Sends one text message, in fragments when the event carries a stream reference. */
  static Future<Void> send(Vertx vertx, ServerWebSocket ws, JsonObject wire) {
    if (!wire.containsKey(EventWire.STREAM)) {
      return ws.writeTextMessage(wire.encode());
    }
    // fragments: a first text frame, continuation frames, and an empty final one
    boolean[] first = {true};
    return EventWire.write(vertx, wire, piece -> {
      WebSocketFrame frame = first[0]
          ? WebSocketFrame.textFrame(piece, false)
          : WebSocketFrame.continuationFrame(Buffer.buffer(piece), false);
      first[0] = false;
      return ws.writeFrame(frame);
    }).compose(v -> ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(), true)));
  }

  /** One WebSocket connection: any number of subscriptions. */
  private final class Session {
    private final ServerWebSocket ws;
    private final String owner;
    private final Map<String, Subscription> subs = new HashMap<>();
    private Future<Void> out = Future.succeededFuture();

    Session(ServerWebSocket ws, String owner) {
      this.ws = ws;
      this.owner = owner;
    }

    void start() {
      ws.textMessageHandler(this::onText);
      ws.closeHandler(v -> subs.values().forEach(Subscription::close));
      ws.exceptionHandler(err -> log.debug("WebSocket error: {}", err.getMessage()));
    }

    /** Queues a write after every earlier one, so that events leave in order. */
    void enqueue(Function<Void, Future<Void>> write) {
      out = out.compose(write).recover(err -> {
        log.debug("WebSocket write failed: {}", err.getMessage());
        return Future.succeededFuture();
      });
    }

    private void onText(String text) {
      JsonObject msg;
      try {
        msg = new JsonObject(text);
      } catch (DecodeException e) {
        error(null, "bad_request", "messages must be JSON objects like {\"subscribe\": \"<job id>\"}");
        return;
      }
      Object id = msg.getValue("subscribe");
      Object unsubscribe = msg.getValue("unsubscribe");
      if (unsubscribe instanceof String u) {
        Subscription s = subs.remove(u);
        if (s != null) {
          s.close();
        }
        return;
      }
      if (!(id instanceof String jobId) || jobId.isBlank() || jobId.length() > 200) {
        error(null, "bad_request", "send {\"subscribe\": \"<research_id|document_id|report_id>\"}");
        return;
      }
      if (subs.containsKey(jobId)) {
        enqueue(v -> ws.writeTextMessage(new JsonObject().put("type", "subscribed").put("job_id", jobId).encode()));
        return;
      }
      Subscription s = new Subscription(this, jobId);
      subs.put(jobId, s);
      s.start();
    }

    void error(String jobId, String code, String message) {
      JsonObject e = new JsonObject().put("type", "error").put("job_id", jobId)
          .put("error", new JsonObject().put("code", code).put("message", message));
      enqueue(v -> ws.writeTextMessage(e.encode()));
    }
  }

  /** Replay then live for one job on one connection. */
  private final class Subscription {
    private final Session session;
    private final String jobId;
    private final ArrayDeque<JsonObject> buffer = new ArrayDeque<>();
    private MessageConsumer<JsonObject> consumer;
    private boolean replaying = true;
    private boolean closed;
    private long lastSent = 0;

    Subscription(Session session, String jobId) {
      this.session = session;
      this.jobId = jobId;
    }

    void start() {
      consumer = vertx.eventBus().consumer(Addresses.jobEvents(jobId), m -> onLive(m.body()));
      consumer.completion()
          .compose(v -> vertx.eventBus().<JsonObject>request(JobEventLog.flushAddress(jobId), new JsonObject(),
                  new DeliveryOptions().setSendTimeout(FLUSH_TIMEOUT_MS))
              .map(m -> m.body())
              .otherwise((JsonObject) null))
          .compose(live -> checkVisible(live))
          .onComplete(ar -> {
            if (ar.failed() || !ar.result()) {
              notFound();
            } else {
              replay();
            }
          });
    }

    /** A live job is visible to its owner; a finished one when it has stored events (and the owner matches). */
    private Future<Boolean> checkVisible(JsonObject live) {
      if (live != null) {
        String jobOwner = live.getString("owner");
        return Future.succeededFuture(session.owner == null || jobOwner == null || jobOwner.equals(session.owner));
      }
      return StoredRows.page(vertx, DbQueries.JOB_EVENTS, new JsonObject().put("job_id", jobId).put("after_seq", -1).put("limit", 1))
          .map(rows -> {
            if (rows.isEmpty()) {
              return false;
            }
            JsonObject data = rows.getJsonObject(0).getJsonObject("data", new JsonObject());
            String jobOwner = data.getString("owner");
            return session.owner == null || jobOwner == null || jobOwner.equals(session.owner);
          });
    }

    private void notFound() {
      close();
      session.subs.remove(jobId);
      session.error(jobId, "not_found", "no job " + jobId);
    }

    private void replay() {
      session.enqueue(v -> session.ws.writeTextMessage(
          new JsonObject().put("type", "subscribed").put("job_id", jobId).encode()));
      session.enqueue(v -> StoredRows.each(vertx, DbQueries.JOB_EVENTS, new JsonObject().put("job_id", jobId), -1,
              rows -> {
                Future<Void> f = Future.succeededFuture();
                for (int i = 0; i < rows.size(); i++) {
                  JsonObject row = rows.getJsonObject(i);
                  JsonObject wire = toWire(row);
                  f = f.compose(x -> deliver(wire));
                }
                return f;
              })
          .<Void>mapEmpty()
          .recover(err -> {
            log.warn("replay of job {} failed: {}", jobId, err.getMessage());
            return Future.succeededFuture();
          })
          .compose(x -> {
            replaying = false;
            Future<Void> f = Future.succeededFuture();
            while (!buffer.isEmpty()) {
              JsonObject e = buffer.poll();
              f = f.compose(y -> deliver(e));
            }
            return f;
          }));
    }

    private void onLive(JsonObject wire) {
      if (closed) {
        return;
      }
      if (replaying) {
        buffer.add(wire);
      } else {
        session.enqueue(v -> deliver(wire));
      }
    }

    /** Sends an event unless an earlier one with that seq or a later one was already sent. */
    private Future<Void> deliver(JsonObject wire) {
      long seq = wire.getLong("id", 0L);
      if (closed || seq <= lastSent) {
        return Future.succeededFuture();
      }
      lastSent = seq;
      JsonObject out = wire.copy();
      out.remove("owner");
      return send(vertx, session.ws, out);
    }

    void close() {
      closed = true;
      if (consumer != null) {
        consumer.unregister();
      }
    }

    private JsonObject toWire(JsonObject row) {
      JsonObject data = row.getJsonObject("data", new JsonObject()).copy();
      return data.put("type", row.getString("type")).put("id", row.getLong("seq")).put("job_id", jobId);
    }
  }
}
