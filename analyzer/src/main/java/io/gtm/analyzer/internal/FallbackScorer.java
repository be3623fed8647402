package io.gtm.analyzer.internal;

import io.gtm.common.model.Evidence;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Scores evidence without an LLM: goal words and known technologies found in the evidence text. */
public final class FallbackScorer {
  private FallbackScorer() {}

  private static final List<String> TECHNOLOGIES = List.of(
      "Kubernetes", "Docker", "Terraform", "AWS", "GCP", "Azure", "Kafka", "Spark", "Snowflake",
      "PostgreSQL", "MySQL", "MongoDB", "Redis", "Elasticsearch", "React", "Python", "Java", "Go",
      "Rust", "Node.js", "TypeScript", "Scala", "Airflow", "dbt", "Databricks", "Salesforce",
      "HubSpot", "Stripe", "OpenAI", "TensorFlow", "PyTorch", "GraphQL", "Datadog", "Okta");
  private static final Set<String> STOP = Set.of("the", "and", "for", "with", "that", "using", "use",
      "companies", "company", "find", "which", "are", "who", "their", "into", "from", "have", "has");

  public static Analysis score(String goal, List<Evidence> evidence) {
    if (evidence.isEmpty()) {
      return Analysis.empty();
    }
    StringBuilder sb = new StringBuilder();
    evidence.forEach(e -> sb.append(e.title()).append(' ').append(e.snippet()).append('\n'));
    String text = sb.toString().toLowerCase(Locale.ROOT);
    Set<String> tech = new LinkedHashSet<>();
    for (String t : TECHNOLOGIES) {
      if (containsWord(text, t.toLowerCase(Locale.ROOT))) {
        tech.add(t);
      }
    }
    Set<String> terms = new LinkedHashSet<>();
    for (String w : goal.toLowerCase(Locale.ROOT).split("[^a-z0-9+#.]+")) {
      if (w.length() > 2 && !STOP.contains(w)) {
        terms.add(w);
      }
    }
    Set<Object> signals = new LinkedHashSet<>();
    int hit = 0;
    for (String term : terms) {
      if (containsWord(text, term)) {
        hit++;
        signals.add("mentions '" + term + "'");
      }
    }
    double coverage = terms.isEmpty() ? 0 : (double) hit / terms.size();
    double support = Math.min(1.0, evidence.size() / 5.0);
    double confidence = Math.round(Math.min(1.0, coverage * (0.6 + 0.4 * support)) * 100) / 100.0;
    return new Analysis(List.copyOf(tech), List.copyOf(signals), confidence);
  }

  private static boolean containsWord(String text, String word) {
    int i = text.indexOf(word);
    while (i >= 0) {
      boolean before = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
      int end = i + word.length();
      boolean after = end >= text.length() || !Character.isLetterOrDigit(text.charAt(end));
      if (before && after) {
        return true;
      }
      i = text.indexOf(word, i + 1);
    }
    return false;
  }
}
