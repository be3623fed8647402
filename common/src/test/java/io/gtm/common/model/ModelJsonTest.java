package io.gtm.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every message record survives its JSON form, and bad input fails naming the field. */
class ModelJsonTest {
  @Test
  void strategyRoundTripsAndValidates() {
    Strategy s = new Strategy("google_search", "{COMPANY_NAME} kubernetes", 0.8);
    assertThat(Strategy.fromJson(s.toJson())).isEqualTo(s);
    assertThat(s.queryFor("acme.com", "Acme")).isEqualTo("Acme kubernetes");
    assertField(() -> Strategy.fromJson(new JsonObject().put("channel", "news_search")), "query_template");
    assertField(() -> Strategy.fromJson(s.toJson().put("relevance_score", 2)), "relevance_score");
  }

  @Test
  void evidenceAndOutcomeRoundTrip() {
    Evidence e = new Evidence("https://a", "T", "snip", "tavily", "google_search");
    assertThat(Evidence.fromJson(e.toJson())).isEqualTo(e);
    SearchOutcome ok = SearchOutcome.ok(List.of(e));
    assertThat(SearchOutcome.fromJson(ok.toJson())).isEqualTo(ok);
    SearchOutcome failed = SearchOutcome.failure("breaker open");
    assertThat(SearchOutcome.fromJson(failed.toJson())).isEqualTo(failed);
    assertField(() -> Evidence.fromJson(new JsonObject().put("url", "x")), "source_name");
  }

  @Test
  void searchTaskRoundTripsAndChecksPoolSize() {
    SearchTask t = new SearchTask("job1", "acme.com", "Acme", "jobs_search", "acme hiring", "quick", 12);
    assertThat(SearchTask.fromJson(t.toJson())).isEqualTo(t);
    assertField(() -> SearchTask.fromJson(t.toJson().put("pool_size", 0)), "pool_size");
    assertField(() -> SearchTask.fromJson(t.toJson().put("domain", 5)), "domain");
  }

  @Test
  void dbWriteRoundTripsAndRefusesUnknownTables() {
    DbWrite w = new DbWrite("chapters", List.of(new JsonObject().put("number", 1)));
    assertThat(DbWrite.fromJson(w.toJson())).isEqualTo(w);
    assertField(() -> DbWrite.fromJson(new JsonObject().put("table", "users").put("rows", new io.vertx.core.json.JsonArray())), "table");
    assertField(() -> DbWrite.fromJson(new JsonObject().put("table", "chapters")
        .put("rows", new io.vertx.core.json.JsonArray().add(3))), "rows");
  }

  @Test
  void jobEventWireFormCarriesTypeAndId() {
    JobEvent ev = new JobEvent("r1", 7, "domain_analyzed", new JsonObject().put("domain", "acme.com"));
    JsonObject wire = ev.toJson();
    assertThat(wire.getString("type")).isEqualTo("domain_analyzed");
    assertThat(wire.getLong("id")).isEqualTo(7);
    assertThat(JobEvent.fromJson(wire)).isEqualTo(ev);
    assertField(() -> JobEvent.fromJson(new JsonObject().put("job_id", "r1")), "type");
  }

  private static void assertField(Runnable r, String field) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
