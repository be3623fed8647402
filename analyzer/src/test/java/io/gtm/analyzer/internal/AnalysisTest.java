package io.gtm.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.llm.offline.EvidenceScorer;
import io.gtm.common.model.Evidence;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnalysisTest {

  @Test
  void parsesAValidAnswer() {
    Analysis a = Analysis.parse("{\"technologies\":[\"Kafka\"],\"goal_match_signals\":[\"hiring SREs\"],\"confidence_score\":0.8}");
    assertThat(a.technologies()).containsExactly("Kafka");
    assertThat(a.signals()).containsExactly("hiring SREs");
    assertThat(a.confidence()).isEqualTo(0.8);
  }

  @Test
  void rejectsAnswersOutOfSchema() {
    assertThatThrownBy(() -> Analysis.parse("not json")).hasMessageContaining("JSON");
    assertThatThrownBy(() -> Analysis.parse("{\"technologies\":[],\"goal_match_signals\":[],\"confidence_score\":1.4}"))
        .hasMessageContaining("confidence_score");
    assertThatThrownBy(() -> Analysis.parse("{\"technologies\":\"Kafka\",\"goal_match_signals\":[],\"confidence_score\":0.2}"))
        .hasMessageContaining("technologies");
  }

  @Test
  void acceptsSignalObjectsAsTheOfflineProviderWritesThem() {
    Analysis a = Analysis.parse("{\"technologies\":[],\"goal_match_signals\":[{\"type\":\"hiring\",\"signal\":\"kubernetes\"}],\"confidence_score\":0.5}");
    assertThat(a.signals()).hasSize(1);
    assertThatThrownBy(() -> Analysis.parse("{\"technologies\":[],\"goal_match_signals\":[3],\"confidence_score\":0.5}"))
        .hasMessageContaining("goal_match_signals");
  }

  @Test
  void mergesChunkAnswersByUnionAndHighestConfidence() {
    Analysis m = Analysis.merge(List.of(
        new Analysis(List.of("Kafka", "AWS"), List.of("a"), 0.3),
        new Analysis(List.of("aws", "Snowflake"), List.of("b"), 0.9)));
    assertThat(m.technologies()).containsExactly("Kafka", "AWS", "Snowflake");
    assertThat(m.signals()).containsExactly("a", "b");
    assertThat(m.confidence()).isEqualTo(0.9);
  }

  @Test
  void chunksKeepEveryItemWithinTheBudget() {
    List<Integer> items = IntStream.range(0, 25).boxed().toList();
    List<List<Integer>> chunks = Analysis.chunks(items, i -> 100, 1000);
    assertThat(chunks).hasSize(3);
    assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
    assertThat(Analysis.chunks(List.of(1), i -> 5000, 1000)).hasSize(1);
  }

  @Test
  void theSharedScorerFallbackFindsGoalWordsAndTechnologiesInTheEvidence() {
    List<Evidence> ev = List.of(
        new Evidence("https://a/1", "Acme moves payments to Kubernetes", "Acme runs Kafka on AWS", "TechCrunch", "news_search"),
        new Evidence("https://a/2", "Platform Engineer", "Kubernetes and Terraform", "Greenhouse", "jobs_search"));
    Analysis a = Analysis.of(EvidenceScorer.score("fintech companies using Kubernetes for payments", ev));
    assertThat(a.technologies()).contains("Kubernetes", "Apache Kafka", "AWS", "Terraform");
    assertThat(a.confidence()).isGreaterThan(0.3).isLessThanOrEqualTo(1.0);
    assertThat(Analysis.of(EvidenceScorer.score("fintech using Kubernetes", List.of())).confidence()).isZero();
  }
}
