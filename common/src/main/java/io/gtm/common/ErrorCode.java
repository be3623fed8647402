package io.gtm.common;

/**
 * Typed failures. The numeric code is the HTTP status the gateway answers with, and the
 * failure code carried by {@code Message.fail} on the event bus.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  CONFLICT(409, "conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  VALIDATION(422, "validation_failed"),
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal_error"),
  NOT_IMPLEMENTED(501, "not_implemented"),
  PROVIDER_FAILED(502, "provider_failed"),
  UNAVAILABLE(503, "unavailable"),
  TIMEOUT(504, "timeout");

  private final int code;
  private final String label;

  ErrorCode(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** HTTP status, also used as the event-bus failure code. */
  public int code() {
    return code;
  }

  /** The {@code error.code} string of the JSON error body. */
  public String label() {
    return label;
  }

  public static ErrorCode fromCode(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return code >= 400 && code < 500 ? BAD_REQUEST : INTERNAL;
  }
}
