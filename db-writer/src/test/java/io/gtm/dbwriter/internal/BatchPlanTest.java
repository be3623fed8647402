package io.gtm.dbwriter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  private static final Schema.Table RUNS = Schema.table("research_runs");
  private static final Schema.Table EVENTS = Schema.table("job_events");

  @Test
  void rowsWithTheSameColumnsShareOneStatementAndTheLastRowOfAKeyWins() {
    BatchPlan plan = new BatchPlan();
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "a").put("status", "queued")));
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("status", "running").put("id", "b")));
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "a").put("status", "done")));

    List<List<BatchPlan.Group>> segments = plan.segments();
    assertThat(segments).hasSize(1);
    assertThat(segments.get(0)).hasSize(1);
    BatchPlan.Group group = segments.get(0).get(0);
    assertThat(group.columns()).containsExactly("id", "status");
    assertThat(group.rows()).extracting(r -> r[0] + "=" + r[1]).containsExactly("a=done", "b=running");
    assertThat(plan.rowCount()).isEqualTo(2);
  }

  @Test
  void insertOnlyTablesKeepTheFirstRowOfAKey() {
    BatchPlan plan = new BatchPlan();
    plan.add(EVENTS, EVENTS.normalize(new JsonObject().put("job_id", "j").put("seq", 1).put("type", "first")));
    plan.add(EVENTS, EVENTS.normalize(new JsonObject().put("job_id", "j").put("seq", 1).put("type", "replay")));
    assertThat(plan.segments().get(0).get(0).rows()).extracting(r -> r[2]).containsExactly("first");
  }

  @Test
  void aKeyComingBackWithOtherColumnsStartsANewSegmentSoOrderIsKept() {
    BatchPlan plan = new BatchPlan();
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "a").put("status", "running")));
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "b").put("status", "running")));
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "a").put("status", "done").put("processing_time_ms", 5)));
    plan.add(RUNS, RUNS.normalize(new JsonObject().put("id", "c").put("status", "running")));

    List<List<BatchPlan.Group>> segments = plan.segments();
    assertThat(segments).hasSize(2);
    assertThat(segments.get(0).get(0).rows()).extracting(r -> r[0]).containsExactly("a", "b");
    assertThat(segments.get(1)).extracting(BatchPlan.Group::columns)
        .containsExactly(List.of("id", "status", "processing_time_ms"), List.of("id", "status"));
  }
}
