package io.gtm.common.model;

import io.gtm.common.json.Fields;
import io.vertx.core.json.JsonObject;

/**
 * One event of a job's stream (research, document or report). {@code seq} is the per-job
 * sequence number that SSE sends as {@code id:} and WebSocket clients order by. The wire form is
 * the event's data with {@code type} and {@code id} added, as clients receive it.
 */
public record JobEvent(String jobId, long seq, String type, JsonObject data) {

  public JsonObject toJson() {
    return data.copy().put("type", type).put("id", seq).put("job_id", jobId);
  }

  public static JobEvent fromJson(JsonObject json) {
    JsonObject data = json.copy();
    data.remove("type");
    data.remove("id");
    data.remove("job_id");
    return new JobEvent(Fields.requireString(json, "job_id"), json.getLong("id", 0L),
        Fields.requireString(json, "type"), data);
  }
}
