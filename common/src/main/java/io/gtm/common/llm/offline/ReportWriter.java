package io.gtm.common.llm.offline;

import io.gtm.common.model.Evidence;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The offline provider's report steps: each body is built from the evidence (technologies found,
 * sources, signals, sentences that carry a cue) in the shape {@link ReportShapes} fixes.
 */
public final class ReportWriter {
  private ReportWriter() {}

  private static final List<String> FUNDING_CUES = List.of("raised", "funding", "series a", "series b", "series c",
      "series d", "investment", "investors", "valuation", "ipo", "revenue", "profit", "arr");
  private static final List<String> GROWTH_CUES = List.of("growth", "grew", "expand", "expansion", "hiring",
      "new office", "customers", "launch", "record");
  private static final List<String> RISK_CUES = List.of("layoff", "lawsuit", "breach", "outage", "decline",
      "loss", "fine", "investigation", "downturn", "cut", "churn", "vulnerability", "delay");
  private static final List<String> COMPETITOR_CUES = List.of("competitor", "compete", "rival", "alternative to",
      " vs ", "versus", "market leader", "challenger");
  private static final List<String> MARKET_CUES = List.of("market", "industry", "segment", "customers", "enterprise",
      "demand", "trend", "sector");

  /** Builds the body of {@code input.step} from {@code input.evidence}. */
  public static JsonObject write(JsonObject input) {
    String step = input.getString("step", "");
    String domain = input.getString("domain", "");
    String goal = input.getString("research_goal", "");
    List<Evidence> evidence = new ArrayList<>();
    for (Object o : input.getJsonArray("evidence", new JsonArray())) {
      if (o instanceof JsonObject j) {
        evidence.add(Evidence.fromJson(j));
      }
    }
    EvidenceScorer.Analysis a = EvidenceScorer.score(goal, evidence);
    Set<String> sources = new LinkedHashSet<>();
    evidence.forEach(e -> sources.add(e.sourceName()));
    return switch (step) {
      case "profile" -> profile(domain, goal, evidence, a, sources);
      case "research" -> research(goal, evidence, a);
      case "recommendations" -> recommendations(domain, goal, a);
      case "financial" -> financial(evidence);
      case "risk" -> risk(evidence, a, sources);
      case "competitive" -> competitive(domain, evidence, a);
      case "market" -> market(evidence, a);
      case "metrics" -> new JsonObject().put("evidence_count", evidence.size()).put("distinct_sources", sources.size())
          .put("technologies_count", a.technologies().size()).put("signals_count", a.signals().size())
          .put("confidence", a.confidence());
      case "validation" -> validation(evidence, a);
      case "risk_priority" -> riskPriority(input.getJsonObject("previous", new JsonObject()), evidence, a, sources);
      default -> throw new IllegalArgumentException("unknown report step: " + step);
    };
  }

  public static String companyName(String domain) {
    String base = domain.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "").replaceFirst("^www\\.", "");
    int dot = base.indexOf('.');
    String name = dot > 0 ? base.substring(0, dot) : base;
    return name.isEmpty() ? domain : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static JsonObject profile(String domain, String goal, List<Evidence> ev, EvidenceScorer.Analysis a,
                                    Set<String> sources) {
    String name = companyName(domain);
    String summary;
    if (ev.isEmpty()) {
      summary = "No public evidence was found for " + name + " (" + domain + ").";
    } else {
      summary = name + " (" + domain + ") appears in " + ev.size() + " evidence items from " + sources.size()
          + " sources" + (a.technologies().isEmpty() ? "" : ", mentioning " + join(a.technologies(), 6))
          + ". " + firstSentence(bestSnippet(ev, goal));
    }
    return new JsonObject().put("company_name", name).put("domain", domain).put("summary", summary.strip())
        .put("technologies", new JsonArray(new ArrayList<>(a.technologies())))
        .put("sources", new JsonArray(new ArrayList<>(sources))).put("evidence_count", ev.size());
  }

  private static JsonObject research(String goal, List<Evidence> ev, EvidenceScorer.Analysis a) {
    JsonArray findings = new JsonArray();
    Set<String> seen = new LinkedHashSet<>();
    for (JsonObject s : a.signals()) {
      if (findings.size() >= 8) {
        break;
      }
      String snippet = s.getString("snippet");
      if (seen.add(snippet)) {
        findings.add(new JsonObject().put("finding", s.getString("type").replace('_', ' ') + " '"
            + s.getString("signal") + "': " + snippet).put("source", s.getString("source_name"))
            .put("url", s.getString("url")));
      }
    }
    JsonArray signals = new JsonArray();
    a.signals().forEach(s -> signals.add(s.getString("type") + ": " + s.getString("signal") + " ("
        + s.getInteger("evidence_count") + " items, " + s.getJsonArray("sources").size() + " sources)"));
    String alignment = ev.isEmpty() ? "No evidence to compare with the goal \"" + goal + "\"."
        : String.format(Locale.ROOT, "%d of %d goal terms found across %d of %d sources; confidence %.2f.",
            countType(a, "goal_term"), EvidenceScorer.goalTerms(goal).size(), a.matchingSources(),
            a.distinctSources(), a.confidence());
    return new JsonObject().put("key_findings", findings).put("goal_alignment", alignment).put("signals", signals)
        .put("confidence", a.confidence());
  }

  private static JsonObject recommendations(String domain, String goal, EvidenceScorer.Analysis a) {
    JsonArray recs = new JsonArray();
    String name = companyName(domain);
    String priority = a.confidence() >= 0.7 ? "high" : a.confidence() >= 0.4 ? "medium" : "low";
    if (!a.technologies().isEmpty()) {
      recs.add(rec("Lead outreach to " + name + " with the stack it uses: " + join(a.technologies(), 4),
          "Technologies named in the evidence", priority));
    }
    for (JsonObject s : a.signals()) {
      if (s.getString("type").equals("intent") && recs.size() < 5) {
        recs.add(rec("Reference " + name + "'s " + s.getString("signal") + " activity",
            s.getString("snippet"), priority));
      }
    }
    if (a.confidence() < 0.4) {
      recs.add(rec("Gather more evidence before contacting " + name,
          "Confidence " + a.confidence() + " is below 0.4 for the goal \"" + goal + "\"", "low"));
    }
    if (recs.isEmpty()) {
      recs.add(rec("Monitor " + name + " for goal-related news", "No intent signals yet", "low"));
    }
    JsonArray next = new JsonArray().add("Verify the top finding with " + name + "'s own site (" + domain + ")")
        .add("Re-run the research with search depth comprehensive if evidence is thin");
    return new JsonObject().put("recommendations", recs).put("next_steps", next);
  }

  private static JsonObject financial(List<Evidence> ev) {
    List<String> funding = cueSentences(ev, FUNDING_CUES, 5);
    List<String> growth = cueSentences(ev, GROWTH_CUES, 5);
    String health = funding.isEmpty() && growth.isEmpty() ? "unknown" : growth.size() + funding.size() >= 3
        ? "strong" : "moderate";
    return new JsonObject().put("funding_signals", new JsonArray(funding)).put("growth_indicators",
        new JsonArray(growth)).put("financial_health", health).put("notes", "From " + ev.size()
        + " evidence items; " + funding.size() + " mention funding or revenue, " + growth.size() + " growth.");
  }

  private static JsonObject risk(List<Evidence> ev, EvidenceScorer.Analysis a, Set<String> sources) {
    JsonArray risks = new JsonArray();
    for (String s : cueSentences(ev, RISK_CUES, 5)) {
      risks.add(new JsonObject().put("risk", "Adverse report").put("severity", "medium").put("evidence", s));
    }
    if (sources.size() < 2) {
      risks.add(new JsonObject().put("risk", "Thin evidence").put("severity", "high")
          .put("evidence", "Only " + sources.size() + " distinct source(s)"));
    }
    if (a.confidence() < 0.4) {
      risks.add(new JsonObject().put("risk", "Weak goal match").put("severity", "medium")
          .put("evidence", "Confidence " + a.confidence()));
    }
    String overall = risks.stream().anyMatch(r -> "high".equals(((JsonObject) r).getString("severity"))) ? "high"
        : risks.isEmpty() ? "low" : "medium";
    return new JsonObject().put("risks", risks).put("overall_risk", overall);
  }

  private static JsonObject competitive(String domain, List<Evidence> ev, EvidenceScorer.Analysis a) {
    Set<String> competitors = new LinkedHashSet<>();
    String self = companyName(domain).toLowerCase(Locale.ROOT);
    for (String s : cueSentences(ev, COMPETITOR_CUES, 20)) {
      for (String w : s.split("[^\\p{L}\\p{N}&.-]+")) {
        if (w.length() > 2 && Character.isUpperCase(w.charAt(0)) && !w.toLowerCase(Locale.ROOT).equals(self)
            && !Words.isStopWord(w.toLowerCase(Locale.ROOT)) && TechnologyDictionary.find(w).isEmpty()) {
          competitors.add(w.replaceAll("[.]+$", ""));
        }
      }
    }
    List<String> diff = new ArrayList<>();
    a.technologies().stream().limit(5).forEach(t -> diff.add("Uses " + t));
    String positioning = a.technologies().isEmpty() ? "Not enough evidence to place " + companyName(domain)
        : companyName(domain) + " is positioned around " + join(a.technologies(), 3) + ".";
    return new JsonObject().put("competitors_mentioned", new JsonArray(new ArrayList<>(competitors).subList(0,
        Math.min(8, competitors.size())))).put("differentiators", new JsonArray(diff)).put("positioning", positioning);
  }

  private static JsonObject market(List<Evidence> ev, EvidenceScorer.Analysis a) {
    List<String> signals = cueSentences(ev, MARKET_CUES, 5);
    Set<String> segments = new LinkedHashSet<>();
    for (Evidence e : ev) {
      String t = (e.title() + " " + e.snippet()).toLowerCase(Locale.ROOT);
      for (String seg : List.of("enterprise", "smb", "mid-market", "fintech", "healthcare", "retail", "e-commerce",
          "saas", "b2b", "b2c", "government", "education", "logistics", "insurance", "banking")) {
        if (t.contains(seg)) {
          segments.add(seg);
        }
      }
    }
    List<String> trends = new ArrayList<>();
    a.signals().stream().filter(s -> s.getString("type").equals("intent"))
        .forEach(s -> trends.add(s.getString("signal") + " (" + s.getJsonArray("sources").size() + " sources)"));
    return new JsonObject().put("market_signals", new JsonArray(signals)).put("segments",
        new JsonArray(new ArrayList<>(segments))).put("trends", new JsonArray(trends));
  }

  private static JsonObject validation(List<Evidence> ev, EvidenceScorer.Analysis a) {
    JsonArray checks = new JsonArray();
    int supported = 0;
    for (String tech : a.technologies()) {
      Set<String> srcs = new LinkedHashSet<>();
      for (Evidence e : ev) {
        if (TechnologyDictionary.find(e.title() + ". " + e.snippet()).contains(tech)) {
          srcs.add(e.sourceName());
        }
      }
      boolean ok = srcs.size() >= 2;
      supported += ok ? 1 : 0;
      checks.add(new JsonObject().put("claim", "Uses " + tech).put("supported", ok).put("sources", srcs.size()));
    }
    for (JsonObject s : a.signals()) {
      if (s.getString("type").equals("intent")) {
        int n = s.getJsonArray("sources").size();
        boolean ok = n >= 2;
        supported += ok ? 1 : 0;
        checks.add(new JsonObject().put("claim", "Shows " + s.getString("signal") + " intent").put("supported", ok)
            .put("sources", n));
      }
    }
    double ratio = checks.isEmpty() ? 0 : Math.round(1000.0 * supported / checks.size()) / 1000.0;
    return new JsonObject().put("checks", checks).put("validated_ratio", ratio);
  }

  private static JsonObject riskPriority(JsonObject previous, List<Evidence> ev, EvidenceScorer.Analysis a,
                                         Set<String> sources) {
    JsonObject riskBody = previous.getJsonObject("risk");
    if (riskBody == null || !ReportShapes.validate("risk", riskBody).isEmpty()) {
      riskBody = risk(ev, a, sources);
    }
    List<JsonObject> risks = new ArrayList<>();
    riskBody.getJsonArray("risks").forEach(r -> risks.add((JsonObject) r));
    risks.sort((x, y) -> rankOf(x.getString("severity")) - rankOf(y.getString("severity")));
    JsonArray out = new JsonArray();
    int p = 1;
    for (JsonObject r : risks) {
      String mitigation = switch (r.getString("risk")) {
        case "Thin evidence" -> "Search more channels or a deeper search depth before acting";
        case "Weak goal match" -> "Qualify the account with a discovery call before investing";
        default -> "Check the report's source and its date before outreach";
      };
      out.add(new JsonObject().put("risk", r.getString("risk") + ": " + r.getString("evidence"))
          .put("priority", p++).put("mitigation", mitigation));
    }
    return new JsonObject().put("priorities", out);
  }

  private static int rankOf(String severity) {
    return switch (severity) {
      case "high" -> 0;
      case "medium" -> 1;
      default -> 2;
    };
  }

  private static JsonObject rec(String action, String rationale, String priority) {
    return new JsonObject().put("action", action).put("rationale", rationale).put("priority", priority);
  }

  private static long countType(EvidenceScorer.Analysis a, String type) {
    return a.signals().stream().filter(s -> s.getString("type").equals(type)).count();
  }

  /** Sentences of the evidence containing any cue, each once, at most {@code max}. */
  static List<String> cueSentences(List<Evidence> ev, List<String> cues, int max) {
    Set<String> out = new LinkedHashSet<>();
    for (Evidence e : ev) {
      for (String sentence : SentenceSplitter.split(e.title() + ". " + e.snippet())) {
        String lower = " " + sentence.toLowerCase(Locale.ROOT) + " ";
        for (String cue : cues) {
          if (lower.contains(cue)) {
            out.add(TextRank.truncate(sentence, 240));
            break;
          }
        }
        if (out.size() >= max) {
          return new ArrayList<>(out);
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static String bestSnippet(List<Evidence> ev, String goal) {
    List<String> terms = EvidenceScorer.goalTerms(goal);
    Evidence best = ev.get(0);
    int bestHits = -1;
    for (Evidence e : ev) {
      Set<String> stems = new LinkedHashSet<>(Words.contentStems(e.title() + " " + e.snippet()));
      int hits = (int) terms.stream().filter(stems::contains).count();
      if (hits > bestHits) {
        best = e;
        bestHits = hits;
      }
    }
    return best.snippet().isBlank() ? best.title() : best.snippet();
  }

  private static String firstSentence(String text) {
    List<String> s = SentenceSplitter.split(text);
    return s.isEmpty() ? "" : TextRank.truncate(s.get(0), 240);
  }

  private static String join(List<String> items, int max) {
    return String.join(", ", items.subList(0, Math.min(max, items.size())));
  }
}
