package io.gtm.search.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TfIdfRankerTest {

  private static final List<String> POSTINGS = List.of(
      "Office Manager. Keep our office running, greet visitors, order supplies for the office.",
      "Senior Platform Engineer. Operate Kubernetes clusters, Terraform, and AWS at scale. Kubernetes operators a plus.",
      "Account Executive. Sell our platform to enterprise customers.",
      "Backend Engineer. Java, Kafka and PostgreSQL services; some Kubernetes exposure.",
      "Data Scientist. Python, C++ and R for forecasting models.");

  @Test
  void ranksPostingsByRelevanceToTheQuery() {
    List<TfIdfRanker.Match> m = TfIdfRanker.rank("Kubernetes platform engineer", POSTINGS, 10);
    assertThat(m).extracting(TfIdfRanker.Match::index).startsWith(1, 3);
    assertThat(m).extracting(TfIdfRanker.Match::index).doesNotContain(0, 4);
    assertThat(m.get(0).score()).isGreaterThan(m.get(1).score()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void rareTermsOutweighCommonOnes() {
    // "engineer" is in three postings, "kafka" in one: a kafka query must put posting 3 first
    List<TfIdfRanker.Match> m = TfIdfRanker.rank("engineer kafka", POSTINGS, 10);
    assertThat(m.get(0).index()).isEqualTo(3);
  }

  @Test
  void keepsOnlyTheTopMatchesAndNothingWithoutSharedTerms() {
    assertThat(TfIdfRanker.rank("Kubernetes engineer", POSTINGS, 1)).hasSize(1);
    assertThat(TfIdfRanker.rank("underwater basket weaving", POSTINGS, 5)).isEmpty();
    assertThat(TfIdfRanker.rank("anything", List.of(), 5)).isEmpty();
  }

  @Test
  void tokenizerKeepsLanguageNamesAndDropsStopWords() {
    assertThat(TfIdfRanker.tokens("C++ and C# on Node.js, for the R team."))
        .containsExactly("c++", "c#", "node.js", "r", "team");
  }

  @Test
  void truncatesAtAWordBoundary() {
    String s = TfIdfRanker.truncate("one two three four five six", 14);
    assertThat(s).isEqualTo("one two three…");
    assertThat(TfIdfRanker.truncate("short", 14)).isEqualTo("short");
  }
}
