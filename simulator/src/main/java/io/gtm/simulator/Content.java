package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Synthetic, deterministic provider content built from a {@link CompanyProfile}. */
final class Content {
  /** Fixed base date so that content is the same on every run. */
  static final Instant BASE = Instant.parse("2025-06-02T09:00:00Z");

  private static final String[] OUTLETS = {"TechCrunch", "Business Wire", "VentureBeat", "Reuters", "The Verge",
      "Forbes", "PR Newswire", "InfoQ"};
  private static final String[] AUTHORS = {"Jordan Lee", "Priya Natarajan", "Sam Okafor", "Maria Gomez",
      "Chen Wei", "Alex Morgan", null};
  private static final String[] ROLES = {"Platform Engineer", "Data Engineer", "Backend Engineer",
      "Frontend Engineer", "Site Reliability Engineer", "Solutions Architect", "Analytics Engineer",
      "Revenue Operations Manager"};
  private static final String[] DEPARTMENTS = {"Engineering", "Data", "Infrastructure", "Product", "Sales"};

  private Content() {}

  static String techList(List<String> tech) {
    if (tech.isEmpty()) return "";
    if (tech.size() == 1) return tech.get(0);
    return String.join(", ", tech.subList(0, tech.size() - 1)) + " and " + tech.get(tech.size() - 1);
  }

  static String signalSentence(CompanyProfile p, String signal) {
    return switch (signal) {
      case "hiring" -> p.name() + " is hiring engineers across its platform and data teams.";
      case "funding" -> p.name() + " announced new funding to accelerate product development.";
      case "expansion" -> p.name() + " is in expansion into new markets, opening an office beyond " + p.city() + ".";
      case "migration" -> p.name() + " is in the middle of a cloud migration of its core services.";
      case "acquisition" -> p.name() + " completed the acquisition of a smaller analytics startup.";
      case "product launch" -> p.name() + " announced a product launch for its enterprise customers.";
      case "partnership" -> p.name() + " entered a partnership with a major systems integrator.";
      default -> p.name() + " reported " + signal + ".";
    };
  }

  static String signalsText(CompanyProfile p) {
    StringBuilder sb = new StringBuilder();
    for (String s : p.signals()) sb.append(' ').append(signalSentence(p, s));
    return sb.toString().trim();
  }

  /** Tavily results: the first mentions every technology and signal; the others a subset each. */
  static JsonArray tavilyResults(CompanyProfile p, String query, int max) {
    JsonArray out = new JsonArray();
    List<String> tech = p.technologies();
    String d = p.domain();
    int n = Math.max(1, Math.min(max, 20));
    for (int i = 0; i < n; i++) {
      String title;
      String url;
      String content;
      switch (i % 5) {
        case 0 -> {
          title = p.name() + " Engineering Blog: Our technology stack";
          url = "https://" + d + "/blog/engineering/our-stack";
          content = p.name() + " is a " + p.industry() + " company based in " + p.city() + ". Its engineering team builds on "
              + techList(tech) + ". " + signalsText(p);
        }
        case 1 -> {
          title = p.name() + " - " + capitalize(p.industry()) + " | LinkedIn";
          url = "https://www.linkedin.com/company/" + p.boardToken();
          content = p.name() + " has about " + p.employees() + " employees. " + signalSentence(p, p.signals().get(0))
              + " Engineers work with " + tech.get(0) + " and " + tech.get(1 % tech.size()) + ".";
        }
        case 2 -> {
          String t = tech.get(2 % tech.size());
          title = "How " + p.name() + " scaled with " + t;
          url = "https://" + d + "/blog/scaling-with-" + slug(t);
          content = "A case study on how " + p.name() + " adopted " + t + " to support growth. The team also relies on "
              + tech.get(0) + ".";
        }
        case 3 -> {
          title = p.name() + " careers";
          url = "https://" + d + "/careers";
          content = "Join " + p.name() + ". We are looking for people experienced with " + techList(tech.subList(0,
              Math.min(3, tech.size()))) + ".";
        }
        default -> {
          title = p.name() + " on StackShare";
          url = "https://stackshare.io/" + p.boardToken() + "/" + p.boardToken();
          content = p.name() + " uses " + techList(tech) + " in production.";
        }
      }
      if (i >= 5) url = url + "?page=" + (i / 5 + 1);
      out.add(new JsonObject()
          .put("title", title)
          .put("url", url)
          .put("content", content)
          .put("score", Math.round((0.92 - i * 0.04) * 1e5) / 1e5)
          .putNull("raw_content"));
    }
    return out;
  }

  /** Results for a query that names no company: generic pages echoing the query. */
  static JsonArray genericResults(String query, int max) {
    JsonArray out = new JsonArray();
    int n = Math.max(1, Math.min(max, 20));
    for (int i = 0; i < n; i++) {
      out.add(new JsonObject()
          .put("title", "Results for " + query + " (" + (i + 1) + ")")
          .put("url", "https://example.org/search/" + slug(query) + "/" + (i + 1))
          .put("content", "An overview page about " + query + ".")
          .put("score", Math.round((0.6 - i * 0.03) * 1e5) / 1e5)
          .putNull("raw_content"));
    }
    return out;
  }

  /** All NewsAPI articles of a company, newest first; every technology and signal appears in some article. */
  static List<JsonObject> articles(CompanyProfile p) {
    List<JsonObject> out = new ArrayList<>();
    if (!p.hasNews()) return out;
    Random r = new Random(p.boardToken().hashCode());
    List<String> tech = p.technologies();
    for (int i = 0; i < p.newsCount(); i++) {
      String signal = p.signals().get(i % p.signals().size());
      String t = tech.get(i % tech.size());
      String outlet = OUTLETS[r.nextInt(OUTLETS.length)];
      String title = switch (signal) {
        case "funding" -> p.name() + " raises new round to expand its " + t + "-based platform";
        case "hiring" -> p.name() + " is hiring: engineering team to double in size";
        case "expansion" -> p.name() + " announces expansion with new office";
        case "migration" -> p.name() + " completes migration to " + t;
        case "acquisition" -> p.name() + " announces acquisition to strengthen its data offering";
        case "product launch" -> p.name() + " unveils product launch built on " + t;
        default -> p.name() + " and partner announce strategic partnership";
      };
      String description = signalSentence(p, signal) + " The company runs on " + t + ".";
      String body = p.name() + " (" + p.domain() + "), the " + p.industry() + " company, " + "uses "
          + (i == 0 ? techList(tech) : t) + ". " + signalSentence(p, signal);
      String content = body.length() > 200 ? body.substring(0, 197) + "..." : body;
      out.add(new JsonObject()
          .put("source", new JsonObject().putNull("id").put("name", outlet))
          .put("author", AUTHORS[r.nextInt(AUTHORS.length)])
          .put("title", title)
          .put("description", description)
          .put("url", "https://news.example.com/" + slug(outlet) + "/" + p.boardToken() + "-" + slug(signal) + "-" + (i + 1))
          .put("urlToImage", "https://news.example.com/img/" + p.boardToken() + "-" + (i + 1) + ".jpg")
          .put("publishedAt", BASE.minus(i * 3L + 1, ChronoUnit.DAYS).toString())
          .put("content", content + " [+" + (1200 + r.nextInt(3000)) + " chars]"));
    }
    return out;
  }

  /** Greenhouse jobs; job i centres on technology i, and every description names the whole stack. */
  static JsonArray jobs(CompanyProfile p, boolean withContent) {
    JsonArray out = new JsonArray();
    Random r = new Random(p.boardToken().hashCode() * 31L);
    List<String> tech = p.technologies();
    long base = 4_000_000L + Math.floorMod(p.boardToken().hashCode(), 1_000_000) * 10L;
    for (int i = 0; i < p.jobCount(); i++) {
      long id = base + i;
      String t = tech.get(i % tech.size());
      String role = ROLES[r.nextInt(ROLES.length)];
      String title = (i % 3 == 0 ? "Senior " : "") + role + " (" + t + ")";
      String dept = DEPARTMENTS[r.nextInt(DEPARTMENTS.length)];
      JsonObject job = new JsonObject()
          .put("absolute_url", "https://job-boards.greenhouse.io/" + p.boardToken() + "/jobs/" + id)
          .put("data_compliance", new JsonArray().add(new JsonObject().put("type", "gdpr")
              .put("requires_consent", false).put("requires_processing_consent", false)
              .put("requires_retention_consent", false).putNull("retention_period")))
          .put("internal_job_id", id - 1_000_000)
          .put("location", new JsonObject().put("name", p.city()))
          .putNull("metadata")
          .put("id", id)
          .put("updated_at", BASE.minus(i, ChronoUnit.DAYS).toString().replace("Z", "-04:00"))
          .put("requisition_id", "REQ-" + (1000 + i))
          .put("title", title)
          .put("company_name", p.name())
          .put("first_published", BASE.minus(i + 20L, ChronoUnit.DAYS).toString().replace("Z", "-04:00"));
      if (withContent) {
        String html = "<div class=\"content-intro\"><p>" + p.name() + " is a " + p.industry() + " company. "
            + escapeText(signalsText(p)) + "</p></div>"
            + "<h2>About the role</h2><p>As a " + role + " you will own services built on <strong>" + t
            + "</strong>.</p><h2>Our stack</h2><ul>" + liList(tech) + "</ul>"
            + "<h2>What you bring</h2><ul><li>3+ years with " + t + "</li><li>Experience operating production systems &amp; on-call</li></ul>";
        job.put("content", escapeHtml(html));
        job.put("departments", new JsonArray().add(new JsonObject().put("id", 100 + dept.length())
            .put("name", dept).put("child_ids", new JsonArray()).putNull("parent_id")));
        job.put("offices", new JsonArray().add(new JsonObject().put("id", 200 + i % 2).put("name", p.city())
            .put("location", p.city()).put("child_ids", new JsonArray()).putNull("parent_id")));
      }
      out.add(job);
    }
    return out;
  }

  private static String liList(List<String> tech) {
    StringBuilder sb = new StringBuilder();
    for (String t : tech) sb.append("<li>").append(t).append("</li>");
    return sb.toString();
  }

  private static String escapeText(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** As Greenhouse's job board API does: the HTML itself entity-escaped. */
  static String escapeHtml(String html) {
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
