package io.gtm.gateway.events;

import io.gtm.common.Addresses;
import io.gtm.common.ApiException;
import io.gtm.common.DbQueries;
import io.gtm.common.ErrorCode;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.metrics.MetricNames;
import io.gtm.common.metrics.Metrics;
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
 *
 * <p>Limits per connection (configuration keys, see {@link Limits}): at most
 * {@code WS_MAX_SUBSCRIPTIONS} subscriptions (beyond: an {@code error} event
 * {@code too_many_subscriptions}); a connection with no subscription that sends nothing for
 * {@code WS_IDLE_TIMEOUT_S} is closed (1001); a client that stops reading is closed (1008) once
 * {@code WS_MAX_PENDING} messages wait for it, instead of being buffered without bound: it can
 * reconnect and replay. The largest message ({@code WS_MAX_MESSAGE_BYTES}) is enforced by the
 * HTTP server's WebSocket options.
 */
public final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final long FLUSH_TIMEOUT_MS = 10_000;
  /** Characters per WebSocket frame of a fragmented event: at most 3 bytes each in UTF-8, so under 64 KiB. */
  static final int FRAME_CHARS = 16_384;

  /**
   * Decides whether a caller may see a job: (job id, caller's owner identity or null) -> allowed.
   * The live owner's identity from the flush reply is checked by the hub itself.
   */
  public interface Access extends BiFunction<String, String, Future<Boolean>> {}

  /** The per-connection limits of the {@code /ws} endpoint. */
  public record Limits(int maxSubscriptions, long idleTimeoutMs, int maxPending) {
    public static Limits from(EngineConfig cfg) {
      return new Limits(cfg.getInt("WS_MAX_SUBSCRIPTIONS"), cfg.getInt("WS_IDLE_TIMEOUT_S") * 1000L,
          cfg.getInt("WS_MAX_PENDING"));
    }
  }

  private final Vertx vertx;
  private final Function<RoutingContext, String> ownerOf;
  private final Limits limits;
  /** How long the checks before a replay wait for the store ({@code GATEWAY_READ_TIMEOUT_MS}). */
  private final long readTimeoutMs;

  /**
   * @param ownerOf the caller's owner identity (API key) of a request, or null when the API is open
   */
  public EventHub(Vertx vertx, Function<RoutingContext, String> ownerOf) {
    this.vertx = vertx;
    this.ownerOf = ownerOf;
    // built while the gateway verticle starts: its configuration is the context's
    EngineConfig cfg = EngineConfig.fromJson(vertx.getOrCreateContext().config());
    this.limits = Limits.from(cfg);
    this.readTimeoutMs = cfg.getInt("GATEWAY_READ_TIMEOUT_MS");
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
        .onFailure(err -> log.warn("WebSocket upgrade failed: {}", err.toString()));
  }

  /** Sends one text message, in fragments when the event carries a stream reference. */
  static Future<Void> send(Vertx vertx, ServerWebSocket ws, JsonObject wire) {
    if (!wire.containsKey(EventWire.STREAM)) {
      return ws.writeTextMessage(wire.encode());
    }
    // fragments: a first text frame, continuation frames, and an empty final one
    boolean[] first = {true};
    return EventWire.write(vertx, wire, piece -> {
      Future<Void> f = Future.succeededFuture();
      for (String part : frames(piece)) {
        WebSocketFrame frame = first[0]
            ? WebSocketFrame.textFrame(part, false)
            : WebSocketFrame.continuationFrame(Buffer.buffer(part), false);
        first[0] = false;
        f = ws.writeFrame(frame);
      }
      return f;
    }).compose(v -> ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(), true)))
        .recover(err -> {
          if (!first[0]) {
            // half a message is on the wire: nothing further could be framed correctly
            log.warn("WebSocket event {} could not be completed, closing: {}", wire.getString("type"), err.getMessage());
            return ws.close((short) 1011, "event could not be read from storage").transform(x -> Future.failedFuture(err));
          }
          return Future.failedFuture(err);
        });
  }

  /**
   * A piece cut into frames of at most {@link #FRAME_CHARS} characters (under 64 KiB of UTF-8,
   * the default frame limit of common clients), never between the halves of a surrogate pair.
   */
  static java.util.List<String> frames(String piece) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int i = 0;
    while (i < piece.length()) {
      int end = Math.min(piece.length(), i + FRAME_CHARS);
      if (end < piece.length() && Character.isHighSurrogate(piece.charAt(end - 1))) {
        end--;
      }
      parts.add(piece.substring(i, end));
      i = end;
    }
    return parts;
  }

  /** One WebSocket connection: any number of subscriptions. */
  private final class Session {
    private final ServerWebSocket ws;
    private final String owner;
    private final Map<String, Subscription> subs = new HashMap<>();
    private Future<Void> out = Future.succeededFuture();
    /** Writes queued and not yet accepted by the socket. */
    private int pending;
    private boolean closing;
    private long lastHeard = System.nanoTime();
    private long idleTimer = -1;

    Session(ServerWebSocket ws, String owner) {
      this.ws = ws;
      this.owner = owner;
    }

    void start() {
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(b -> onText(b.toString()));
      ws.closeHandler(v -> shutDown());
      ws.exceptionHandler(this::onError);
      scheduleIdleCheck(limits.idleTimeoutMs());
    }

    private void onError(Throwable err) {
      // Vert.x reports a message over the server's max message size here and keeps reading: close instead
      String text = String.valueOf(err.getMessage());
      if (text.contains("max message size") || text.contains("frame length")) {
        closeWith((short) 1009, "message too big", "too_big");
      } else {
        log.debug("WebSocket error: {}", text);
      }
    }

    private void shutDown() {
      closing = true;
      vertx.cancelTimer(idleTimer);
      subs.values().forEach(Subscription::close);
      subs.clear();
    }

    /** Closes the connection when it has no subscription and the client said nothing for the idle timeout. */
    private void scheduleIdleCheck(long delayMs) {
      idleTimer = vertx.setTimer(Math.max(1, delayMs), t -> {
        if (closing) {
          return;
        }
        long quietMs = (System.nanoTime() - lastHeard) / 1_000_000;
        if (subs.isEmpty() && quietMs >= limits.idleTimeoutMs()) {
          closeWith((short) 1001, "idle", "idle");
        } else {
          scheduleIdleCheck(subs.isEmpty() ? limits.idleTimeoutMs() - quietMs : limits.idleTimeoutMs());
        }
      });
    }

    private void closeWith(short status, String reason, String metricReason) {
      if (closing) {
        return;
      }
      Metrics.registry().counter(MetricNames.WS_CLOSED, MetricNames.TAG_REASON, metricReason).increment();
      log.debug("closing WebSocket {}: {}", ws.remoteAddress(), reason);
      shutDown();
      ws.close(status, reason).onFailure(err -> log.debug("WebSocket close failed: {}", err.getMessage()));
    }

    /** A client that stopped reading: dropped rather than buffered without bound (it can reconnect and replay). */
    void tooSlow() {
      closeWith((short) 1008, "client too slow: reconnect and subscribe again to replay", "slow");
    }

    /** Queues a write after every earlier one, so that events leave in order. */
    void enqueue(Function<Void, Future<Void>> write) {
      if (closing) {
        return;
      }
      if (pending >= limits.maxPending() || ws.writeQueueFull()) {
        tooSlow();
        return;
      }
      pending++;
      out = out.compose(v -> closing ? Future.<Void>succeededFuture() : write.apply(v)).recover(err -> {
        log.debug("WebSocket write failed: {}", err.getMessage());
        return Future.succeededFuture();
      }).onComplete(ar -> pending--);
    }

    private void onText(String text) {
      lastHeard = System.nanoTime();
      if (closing) {
        return;
      }
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
      if (subs.size() >= limits.maxSubscriptions()) {
        error(jobId, "too_many_subscriptions", "at most " + limits.maxSubscriptions()
            + " subscriptions per connection; unsubscribe first");
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
          .compose(live -> checkVisible(live).compose(visible -> {
            if (visible && live != null && !live.getBoolean("stored", true)) {
              // the job runs, but its events cannot all be read back: a replay now would leave a gap
              return Future.failedFuture(StoredRows.storeUnavailable());
            }
            return Future.succeededFuture(visible);
          }))
          .onComplete(ar -> {
            if (ar.failed() && StoredRows.unanswered(ar.cause())) {
              unavailable();
            } else if (ar.failed() || !ar.result()) {
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
      return StoredRows.read(vertx, DbQueries.JOB_EVENTS, new JsonObject().put("job_id", jobId).put("after_seq", -1).put("limit", 1),
              readTimeoutMs)
          .compose(rows -> {
            if (rows.isEmpty()) {
              // accepted but nothing emitted yet (a document waiting for its summarizer): its row says
              return jobRow(jobId).map(row -> row != null
                  && io.gtm.gateway.http.HttpSupport.mayRead(session.owner, row.getString("owner_key")));
            }
            JsonObject data = rows.getJsonObject(0).getJsonObject("data", new JsonObject());
            String jobOwner = data.getString("owner");
            return Future.succeededFuture(session.owner == null || jobOwner == null || jobOwner.equals(session.owner));
          });
    }

    /** The stored row of a job by its id's kind (document, report, else research run), or null. */
    private Future<JsonObject> jobRow(String id) {
      String query = id.startsWith("doc_") ? DbQueries.DOCUMENT
          : id.startsWith("rpt_") ? DbQueries.REPORT : DbQueries.RESEARCH_RUN;
      return StoredRows.read(vertx, query, new JsonObject().put("id", id), readTimeoutMs)
          .map(rows -> rows.isEmpty() ? null : rows.getJsonObject(0));
    }

    private void notFound() {
      close();
      session.subs.remove(jobId);
      session.error(jobId, "not_found", "no job " + jobId);
    }

    /** The job's events cannot be read from storage now (db-writer away): the client subscribes again later. */
    private void unavailable() {
      close();
      session.subs.remove(jobId);
      session.error(jobId, ErrorCode.UNAVAILABLE.label(), "the job's stored events cannot be read right now (the store is"
          + " not answering); subscribe again in " + StoredRows.RETRY_AFTER_S + " s");
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
          .compose(x -> {
            replaying = false;
            Future<Void> f = Future.succeededFuture();
            while (!buffer.isEmpty()) {
              JsonObject e = buffer.poll();
              f = f.compose(y -> deliver(e));
            }
            return f;
          })
          .recover(err -> {
            if (StoredRows.unanswered(err)) {
              log.warn("replay of job {} failed, the subscriber is told to subscribe again: {}", jobId, err.getMessage());
              unavailable();
              return Future.succeededFuture();
            }
            return Future.failedFuture(err);
          }));
    }

    private void onLive(JsonObject wire) {
      if (closed) {
        return;
      }
      if (replaying) {
        if (buffer.size() >= limits.maxPending()) {
          session.tooSlow();
          return;
        }
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
