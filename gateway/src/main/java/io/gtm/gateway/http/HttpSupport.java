package io.gtm.gateway.http;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What route handlers use to answer: JSON bodies, the one JSON error shape
 * {@code {"error": {"code", "message", "field"}}} for every failure (never a stack trace), the
 * request body as JSON, the caller's identity and the job quota.
 */
public final class HttpSupport {
  /** Routing-context key: the caller's identity (SHA-256 hex of its API key, or of its address when open). */
  public static final String OWNER = "gtm.owner";
  /** Routing-context key: {@code true} when {@code API_KEYS} is set (jobs are private to their key). */
  public static final String AUTH_REQUIRED = "gtm.authRequired";

  private static final Logger log = LoggerFactory.getLogger(HttpSupport.class);

  private HttpSupport() {}

  /** Ends the response with {@code status} and {@code body} (a JsonObject, JsonArray, or anything Json can encode). */
  public static void json(RoutingContext ctx, int status, Object body) {
    HttpServerResponse res = ctx.response();
    if (res.ended()) {
      return;
    }
    String text = body instanceof JsonObject o ? o.encode()
        : body instanceof JsonArray a ? a.encode()
        : io.vertx.core.json.Json.encode(body);
    res.setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
  }

  /** Answers with {@code status} and the future's value once it completes, or the mapped error if it fails. */
  public static void respond(RoutingContext ctx, int status, Future<?> body) {
    body.onSuccess(v -> json(ctx, status, v)).onFailure(e -> fail(ctx, e));
  }

  /** Ends the response with the JSON error for {@code failure} (see {@link #toError(Throwable, int)}). */
  public static void fail(RoutingContext ctx, Throwable failure) {
    answer(ctx, toError(failure, 500));
  }

  /** Ends the response with an error of the given code. */
  public static void error(RoutingContext ctx, ErrorCode code, String message, String field) {
    answer(ctx, new HttpError(code.code(), ApiException.errorBody(code, message, field), 0));
  }

  /**
   * The request body as a JSON object. Throws {@link ApiException} (400, field {@code body}) when
   * it is missing, not valid JSON, or not an object.
   */
  public static JsonObject bodyJson(RoutingContext ctx) {
    Buffer buf = ctx.body() == null ? null : ctx.body().buffer();
    if (buf == null || buf.length() == 0) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body is required (a JSON object)", "body");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(buf);
    } catch (DecodeException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body is not valid JSON", "body");
    }
    if (!(value instanceof JsonObject obj)) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body must be a JSON object", "body");
    }
    return obj;
  }

  /** The caller's identity: store it with a job, compare it with {@link #mayAccess}. Never null. */
  public static String owner(RoutingContext ctx) {
    String owner = ctx.get(OWNER);
    return owner != null ? owner : ApiKeyAuth.addressOwner(ctx);
  }

  /**
   * The owner to store with a job the caller starts: its key's identity when {@code API_KEYS} is
   * set, null when the API is open (an open API's jobs are visible to every caller).
   */
  public static String jobOwner(RoutingContext ctx) {
    Boolean required = ctx.get(AUTH_REQUIRED);
    return required != null && required ? owner(ctx) : null;
  }

  /**
   * Whether a caller with {@link #jobOwner} identity {@code caller} may read a job stored with
   * {@code jobOwner}: always when the API is open (caller null) or the job has no owner.
   */
  public static boolean mayRead(String caller, String jobOwner) {
    return caller == null || jobOwner == null || jobOwner.equals(caller);
  }

  /** Whether the caller may see a job stored with {@code jobOwner}: always when the API is open. */
  public static boolean mayAccess(RoutingContext ctx, String jobOwner) {
    Boolean required = ctx.get(AUTH_REQUIRED);
    if (required == null || !required) {
      return true;
    }
    return owner(ctx).equals(jobOwner);
  }

  /** Counts one job start against the caller's {@code API_JOBS_PER_MINUTE}; throws {@link RetryAfterException} beyond it. */
  public static void acquireJobSlot(RoutingContext ctx) {
    JobQuota quota = ctx.get(JobQuota.CONTEXT_KEY);
    if (quota != null) {
      quota.acquire(owner(ctx));
    }
  }

  /** Router failure handler: every failure becomes the JSON error body. */
  public static void failureHandler(RoutingContext ctx) {
    answer(ctx, toError(ctx.failure(), ctx.statusCode()));
  }

  /** An HTTP status, the JSON error body, and a {@code Retry-After} in seconds (0: none). */
  public record HttpError(int status, JsonObject body, long retryAfterSeconds) {}

  /**
   * Maps a failure to its HTTP answer: {@link ApiException} to its code and field, event-bus
   * {@link ReplyException} TIMEOUT to 504, NO_HANDLERS to 503, RECIPIENT_FAILURE to the failure code
   * with its message; {@link HttpException} and bare statuses to their status; the rest to 500 with
   * a generic message (the cause is logged, never sent).
   */
  public static HttpError toError(Throwable failure, int status) {
    if (failure instanceof RetryAfterException r) {
      return new HttpError(r.code().code(), r.toJson(), r.retryAfterSeconds());
    }
    if (failure instanceof ApiException a) {
      return new HttpError(a.code().code(), a.toJson(), 0);
    }
    if (failure instanceof ReplyException r) {
      return switch (r.failureType()) {
        case TIMEOUT -> of(ErrorCode.TIMEOUT, "a service did not answer in time", null);
        case NO_HANDLERS -> of(ErrorCode.UNAVAILABLE, "the service needed for this request is not running", null);
        case RECIPIENT_FAILURE -> {
          ErrorCode code = ErrorCode.fromCode(r.failureCode());
          yield new HttpError(code.code(), ApiException.errorBody(code,
              r.getMessage() == null ? code.label() : r.getMessage(), null), 0);
        }
        default -> of(ErrorCode.UNAVAILABLE, "event bus error", null);
      };
    }
    if (failure instanceof DecodeException) {
      return of(ErrorCode.BAD_REQUEST, "request body is not valid JSON", "body");
    }
    if (failure instanceof HttpException h) {
      return ofStatus(h.getStatusCode(), null);
    }
    if (failure == null && status > 0 && status != 500) {
      return ofStatus(status, null);
    }
    if (failure instanceof HttpClosedException) {
      // the client went away: nobody will read the answer
      log.debug("request failed: client closed the connection");
      return ofStatus(400, "connection closed");
    }
    if (status >= 400 && status < 500) {
      // a handler failed the request with a client status and a cause (e.g. CORS: 403 for a bad Origin)
      return ofStatus(status, null);
    }
    if (failure != null && failure.getClass().getName().startsWith("io.netty.handler.codec.")) {
      // a body the codec cannot decode (malformed multipart or form data, oversized form fields)
      return of(ErrorCode.BAD_REQUEST, "request body could not be decoded", "body");
    }
    log.warn("request failed: {}", failure == null ? "status " + status : failure.toString(), failure);
    return of(ErrorCode.INTERNAL, "internal error", null);
  }

  private static HttpError of(ErrorCode code, String message, String field) {
    return new HttpError(code.code(), ApiException.errorBody(code, message, field), 0);
  }

  /** The error for a bare HTTP status, with a standard message. */
  public static HttpError ofStatus(int status, String message) {
    String label;
    String text;
    switch (status) {
      case 400 -> { label = "bad_request"; text = "bad request"; }
      case 401 -> { label = "unauthorized"; text = "a valid API key is required"; }
      case 403 -> { label = "forbidden"; text = "forbidden"; }
      case 404 -> { label = "not_found"; text = "not found"; }
      case 405 -> { label = "method_not_allowed"; text = "method not allowed on this route"; }
      case 413 -> { label = "payload_too_large"; text = "request body too large"; }
      case 415 -> { label = "unsupported_media_type"; text = "unsupported content type"; }
      case 422 -> { label = "validation_failed"; text = "invalid request"; }
      case 429 -> { label = "rate_limited"; text = "too many requests"; }
      default -> {
        ErrorCode c = ErrorCode.fromCode(status);
        label = c.label();
        text = status >= 500 ? "internal error" : c.label().replace('_', ' ');
      }
    }
    JsonObject error = new JsonObject().put("code", label).put("message", message == null ? text : message);
    return new HttpError(status, new JsonObject().put("error", error), 0);
  }

  /** Writes an error answer unless the response has already started (e.g. a stream), which is then closed. */
  public static void answer(RoutingContext ctx, HttpError err) {
    HttpServerResponse res = ctx.response();
    if (res.ended() || res.closed()) {
      return;
    }
    if (res.headWritten()) {
      res.end();
      return;
    }
    if (err.retryAfterSeconds() > 0) {
      res.putHeader("Retry-After", String.valueOf(err.retryAfterSeconds()));
    }
    res.setStatusCode(err.status()).putHeader("Content-Type", "application/json").end(err.body().encode());
  }
}
