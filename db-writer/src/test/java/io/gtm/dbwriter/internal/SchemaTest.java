package io.gtm.dbwriter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {
  private static final Schema.Table RUNS = Schema.table("research_runs");

  @Test
  void unknownTableIsRejectedNamingTable() {
    assertThatThrownBy(() -> Schema.table("users; drop table x"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("table"));
  }

  @Test
  void unknownColumnIsRejectedNamingTheColumn() {
    assertThatThrownBy(() -> RUNS.normalize(new JsonObject().put("id", "a").put("\"evil\"", 1)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.field()).isEqualTo("\"evil\"");
          assertThat(e.getMessage()).contains("unknown column");
        });
  }

  @Test
  void valuesOfTheWrongTypeAndMissingKeysAreRejectedNamingTheColumn() {
    assertThatThrownBy(() -> RUNS.normalize(new JsonObject().put("id", "a").put("total_companies", "many")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("total_companies"));
    assertThatThrownBy(() -> RUNS.normalize(new JsonObject().put("id", "a").put("finished_at", "yesterday")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("finished_at"));
    assertThatThrownBy(() -> RUNS.normalize(new JsonObject().put("status", "done")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("id"));
  }

  @Test
  void valuesAreNormalisedAndColumnsOrderedAsDeclared() {
    Map<String, Object> row = RUNS.normalize(new JsonObject()
        .put("finished_at", "2024-05-01T10:00:00+02:00")
        .put("strategies", new JsonArray().add(new JsonObject().put("channel", "news_search")))
        .put("processing_time_ms", 12.0)
        .put("id", "a"));
    assertThat(row.keySet()).containsExactly("id", "strategies", "processing_time_ms", "finished_at");
    assertThat(row.get("finished_at")).isEqualTo("2024-05-01T08:00:00Z");
    assertThat(row.get("strategies")).isEqualTo("[{\"channel\":\"news_search\"}]");
    assertThat(row.get("processing_time_ms")).isEqualTo(12L);
  }

  @Test
  void upsertSqlUpdatesOnlyTheColumnsSentAndStampsUpdatedAt() {
    String sql = UpsertStatement.sql(RUNS, java.util.List.of("id", "status", "request"));
    assertThat(sql).isEqualTo("INSERT INTO \"research_runs\" (\"id\", \"status\", \"request\") SELECT u.\"id\", "
        + "u.\"status\", u.\"request\"::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS u(\"id\", \"status\", "
        + "\"request\") ON CONFLICT (\"id\") DO UPDATE SET \"status\" = EXCLUDED.\"status\", "
        + "\"request\" = EXCLUDED.\"request\", \"updated_at\" = now()");
    assertThat(UpsertStatement.sql(Schema.table("job_events"), java.util.List.of("job_id", "seq", "data")))
        .endsWith("ON CONFLICT (\"job_id\", \"seq\") DO NOTHING");
  }
}
