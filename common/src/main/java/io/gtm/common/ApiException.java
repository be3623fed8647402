package io.gtm.common;

import io.vertx.core.json.JsonObject;

/**
 * A failure that becomes the JSON error body {@code {"error": {"code", "message", "field"}}}.
 * Never carries a stack trace to the client.
 */
public class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final String field;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ApiException(ErrorCode code, String message, String field) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(ErrorCode.VALIDATION, message, field);
  }

  public ErrorCode code() {
    return code;
  }

  public String field() {
    return field;
  }

  public JsonObject toJson() {
    return errorBody(code, getMessage(), field);
  }

  public static JsonObject errorBody(ErrorCode code, String message, String field) {
    JsonObject error = new JsonObject().put("code", code.label()).put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    return new JsonObject().put("error", error);
  }
}
