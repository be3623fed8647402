package io.gtm.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Deterministic company profiles, seeded from the domain's first label. */
public final class CompanyProfiles {
  /** Every technology the simulator knows, as it spells them. */
  public static final List<String> TECHNOLOGIES = List.of(
      "Kubernetes", "Snowflake", "Salesforce", "React", "Kafka", "PostgreSQL", "AWS", "Terraform",
      "Datadog", "Docker", "Python", "Rust", "TypeScript", "GCP", "Azure", "Databricks", "MongoDB",
      "Redis", "Elasticsearch", "HubSpot", "Segment", "dbt", "Airflow", "GraphQL");
  /** Every signal the simulator knows. */
  public static final List<String> SIGNALS = List.of(
      "hiring", "funding", "expansion", "migration", "acquisition", "product launch", "partnership");
  public static final List<String> INDUSTRIES = List.of(
      "fintech", "healthcare software", "e-commerce", "logistics", "cybersecurity", "developer tools",
      "marketing technology", "industrial IoT", "edtech", "insurance");
  public static final List<String> CITIES = List.of(
      "San Francisco, CA", "New York, NY", "Austin, TX", "Boston, MA", "Seattle, WA", "London, UK",
      "Berlin, Germany", "Toronto, Canada", "Denver, CO", "Remote");

  private static final Pattern DOMAIN = Pattern.compile(
      "(?i)\\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:com|io|ai|co|net|org|dev|app|tech|xyz|us|uk|de|fr|ca|inc|cloud|so|sh|gg|me|tv|biz|info|[a-z]{2}))\\b");
  private static final Pattern CAPITALIZED_RUN = Pattern.compile("\\b([A-Z][A-Za-z0-9]*(?:[ -][A-Z][A-Za-z0-9]*)*)");

  private CompanyProfiles() {}

  /** The profile of {@code domain} (scheme, {@code www.} and path ignored; case-insensitive). */
  public static CompanyProfile of(String domain) {
    String d = normalize(domain);
    String label = d.contains(".") ? d.substring(0, d.indexOf('.')) : d;
    return build(d.contains(".") ? d : d + ".com", label);
  }

  /** The profile behind a Greenhouse board token (the domain's first label). */
  public static CompanyProfile ofBoardToken(String token) {
    return of(token.toLowerCase(Locale.ROOT) + ".com");
  }

  /** {@code acme-robotics} -> {@code Acme Robotics}: how the simulator names a company. */
  public static String companyName(String label) {
    StringBuilder sb = new StringBuilder();
    for (String part : label.split("[-_]+")) {
      if (part.isEmpty()) continue;
      if (sb.length() > 0) sb.append(' ');
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  public static String normalize(String domain) {
    String d = domain.trim().toLowerCase(Locale.ROOT);
    d = d.replaceFirst("^[a-z]+://", "");
    int slash = d.indexOf('/');
    if (slash >= 0) d = d.substring(0, slash);
    if (d.startsWith("www.")) d = d.substring(4);
    return d;
  }

  /**
   * Finds the company a search query is about: a domain in it, else the first run of capitalized
   * words that is not a known technology or common word ({@code Acme Robotics} -> {@code acme-robotics.com}).
   * Returns null when the query names no company.
   */
  public static CompanyProfile fromQuery(String query) {
    if (query == null) return null;
    Matcher m = DOMAIN.matcher(query);
    while (m.find()) {
      String candidate = m.group(1);
      if (!candidate.matches("(?i)\\d+(\\.\\d+)+")) return of(candidate);
    }
    Matcher c = CAPITALIZED_RUN.matcher(query);
    while (c.find()) {
      List<String> words = new ArrayList<>();
      for (String w : c.group(1).split("[ -]")) {
        if (isCommonWord(w)) {
          if (!words.isEmpty()) break;
          continue;
        }
        words.add(w.toLowerCase(Locale.ROOT));
      }
      if (!words.isEmpty()) return of(String.join("-", words) + ".com");
    }
    return null;
  }

  private static final List<String> COMMON = List.of(
      "the", "a", "an", "and", "or", "of", "in", "on", "for", "to", "with", "by", "at", "from", "news", "jobs",
      "job", "hiring", "careers", "career", "engineer", "engineering", "senior", "staff", "company", "site",
      "what", "which", "who", "how", "does", "is", "are", "use", "uses", "using", "latest", "recent", "funding",
      "series", "ceo", "cto", "announces", "announced", "tech", "stack", "technology", "technologies", "data",
      "cloud", "platform", "migration", "expansion", "acquisition", "partnership", "product", "launch", "inc",
      "llc", "ltd", "corp", "about", "find", "search", "evidence", "blog", "press", "release", "q1", "q2", "q3",
      "q4", "developer", "developers", "software", "devops", "sre", "ai", "ml", "api");

  private static boolean isCommonWord(String w) {
    String lw = w.toLowerCase(Locale.ROOT);
    if (COMMON.contains(lw)) return true;
    for (String t : TECHNOLOGIES) if (t.equalsIgnoreCase(w)) return true;
    return lw.matches("\\d+");
  }

  private static CompanyProfile build(String domain, String label) {
    long seed = 1469598103934665603L;
    for (char ch : label.toCharArray()) {
      seed ^= ch;
      seed *= 1099511628211L;
    }
    Random r = new Random(seed);
    String industry = INDUSTRIES.get(r.nextInt(INDUSTRIES.size()));
    String city = CITIES.get(r.nextInt(CITIES.size()));
    int employees = 20 + r.nextInt(4000);
    List<String> tech = new ArrayList<>(TECHNOLOGIES);
    Collections.shuffle(tech, r);
    List<String> technologies = List.copyOf(tech.subList(0, 3 + r.nextInt(4)));
    List<String> sig = new ArrayList<>(SIGNALS);
    Collections.shuffle(sig, r);
    List<String> signals = List.copyOf(sig.subList(0, 1 + r.nextInt(3)));
    boolean hasBoard = r.nextInt(100) >= 20;
    boolean hasNews = r.nextInt(100) >= 10;
    int jobCount = 3 + r.nextInt(6);
    int newsCount = 3 + r.nextInt(6);
    return new CompanyProfile(domain, label, companyName(label), industry, city, employees, technologies,
        signals, hasBoard, hasNews, jobCount, newsCount);
  }

  /** Technologies of the pool that {@code text} mentions (as spelled, case-sensitive), in pool order. */
  public static List<String> technologiesIn(String text) {
    // every technology name is one alphanumeric word: one pass over the words beats 24 regex scans
    java.util.Set<String> words = new java.util.HashSet<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean alnum = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
      if (alnum && start < 0) start = i;
      if (!alnum && start >= 0) {
        if (i - start <= 16) words.add(text.substring(start, i));
        start = -1;
      }
    }
    List<String> out = new ArrayList<>();
    for (String t : TECHNOLOGIES) if (words.contains(t)) out.add(t);
    return out;
  }

  /** Signals of the pool that {@code text} mentions. */
  public static List<String> signalsIn(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String s : SIGNALS) if (lower.contains(s)) out.add(s);
    return out;
  }
}
