package io.gtm.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic LLM answers built from the prompt: JSON that validates against a JSON schema,
 * a JSON object for {@code json_object}, or an extractive summary for plain text.
 */
public final class LlmAnswers {
  /** A sentence ends at . ! or ? followed by a space and a capital, digit or quote (not inside "acme.com"). */
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?][\"')\\]]?)\\s+(?=[A-Z0-9\"'(\\[])");
  private static final Pattern KEY_IN_EXAMPLE = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*:");
  private static final Pattern URL = Pattern.compile("https?://[^\\s\"')<>\\]]+");
  private static final int MAX_DEPTH = 8;

  private final String system;
  private final String user;
  private final String all;
  private final List<String> technologies;
  private final List<String> signals;
  private final List<String> sentences;
  private CompanyProfile company;
  private boolean companyLooked;

  /** @param system the system instruction (may be empty) @param user the user message(s) */
  public LlmAnswers(String system, String user) {
    this.system = system == null ? "" : system;
    this.user = user == null ? "" : user;
    this.all = this.system + "\n" + this.user;
    this.technologies = CompanyProfiles.technologiesIn(all);
    this.signals = CompanyProfiles.signalsIn(all);
    this.sentences = sentences(body(this.user));
  }

  /** How strongly the prompt supports a finding: 0..1, growing with known technologies and signals. */
  public double score() {
    int hits = technologies.size() + signals.size();
    return Math.round(Math.min(0.95, hits == 0 ? 0.05 : 0.25 + 0.1 * hits) * 100) / 100.0;
  }

  /** Plain-text answer: the first sentences of the user message's body, within the token budget. */
  public String summary(int maxTokens) {
    int maxChars = Math.max(80, Math.min(maxTokens > 0 ? maxTokens * 4 : 600, 600));
    StringBuilder sb = new StringBuilder();
    for (String s : sentences) {
      if (sb.length() > 0 && sb.length() + s.length() + 1 > maxChars) break;
      if (sb.length() > 0) sb.append(' ');
      sb.append(s);
      if (sb.length() >= maxChars / 2) break;
    }
    if (sb.length() == 0) {
      String t = body(user).trim();
      sb.append(t.length() > maxChars ? t.substring(0, maxChars) : t);
    }
    if (sb.length() == 0) sb.append("No content.");
    return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
  }

  /** A JSON object for {@code json_object}: the keys of an example object in the prompt, else a generic shape. */
  public JsonObject jsonObject() {
    Set<String> keys = new LinkedHashSet<>();
    Matcher m = KEY_IN_EXAMPLE.matcher(all);
    while (m.find()) keys.add(m.group(1));
    JsonObject out = new JsonObject();
    if (keys.isEmpty()) {
      keys.addAll(List.of("summary", "technologies", "signals", "confidence"));
    }
    int i = 0;
    for (String k : keys) {
      String lk = k.toLowerCase(Locale.ROOT);
      if (lk.contains("tech") || lk.contains("signal") || lk.endsWith("s") && lk.length() > 3 && !lk.contains("status")
          && !lk.contains("analysis") && !lk.contains("summary")) {
        out.put(k, stringArray(k, 1, 10, 0));
      } else if (isScoreName(lk)) {
        out.put(k, score());
      } else {
        out.put(k, stringFor(k, null, i++));
      }
    }
    return out;
  }

  /** A value that validates against {@code schema} (object/array/string/enum/number/integer/boolean). */
  public Object fromSchema(JsonObject schema) {
    return generate(schema, "", 0, 0, schema);
  }

  private Object generate(JsonObject schema, String name, int index, int depth, JsonObject root) {
    if (schema == null) return stringFor(name, null, index);
    if (schema.containsKey("$ref")) {
      JsonObject target = resolveRef(root, schema.getString("$ref"));
      if (target != null && depth < MAX_DEPTH) return generate(target, name, index, depth + 1, root);
    }
    if (schema.containsKey("const")) return schema.getValue("const");
    JsonArray anyOf = schema.getJsonArray("anyOf", schema.getJsonArray("oneOf"));
    if (anyOf != null && !anyOf.isEmpty()) {
      for (Object o : anyOf) {
        if (o instanceof JsonObject alt && !"null".equals(alt.getValue("type"))) {
          return generate(alt, name, index, depth + 1, root);
        }
      }
      return null;
    }
    JsonArray enumValues = schema.getJsonArray("enum");
    if (enumValues != null && !enumValues.isEmpty()) {
      return enumValues.getValue(Math.floorMod(index + name.length(), enumValues.size()));
    }
    String type = typeOf(schema);
    switch (type) {
      case "object": {
        JsonObject out = new JsonObject();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        for (String key : props.fieldNames()) {
          if (depth >= MAX_DEPTH) break;
          out.put(key, generate(props.getJsonObject(key), key, index, depth + 1, root));
        }
        return out;
      }
      case "array": {
        int min = schema.getInteger("minItems", 0);
        int max = schema.getInteger("maxItems", Integer.MAX_VALUE);
        JsonObject items = schema.getJsonObject("items", new JsonObject().put("type", "string"));
        String itemType = typeOf(items);
        if ("string".equals(itemType) && !items.containsKey("enum")) {
          JsonArray arr = stringArray(name, min, max, index);
          if (Boolean.TRUE.equals(schema.getBoolean("uniqueItems"))) return arr;
          return arr;
        }
        int count = clamp("object".equals(itemType) ? 5 : 3, min, max);
        if (depth >= MAX_DEPTH) count = min;
        JsonArray arr = new JsonArray();
        Set<Object> seen = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
          Object v = generate(items, singular(name), i, depth + 1, root);
          if (items.containsKey("enum") && Boolean.TRUE.equals(schema.getBoolean("uniqueItems")) && !seen.add(v)) {
            continue;
          }
          arr.add(v);
        }
        return arr;
      }
      case "number":
      case "integer": {
        boolean integer = "integer".equals(type);
        double lo = schema.getNumber("minimum") != null ? schema.getNumber("minimum").doubleValue() : (integer ? 0 : 0.0);
        double hi = schema.getNumber("maximum") != null ? schema.getNumber("maximum").doubleValue() : lo + 100;
        if (schema.getNumber("exclusiveMinimum") != null) lo = schema.getNumber("exclusiveMinimum").doubleValue() + (integer ? 1 : 1e-6);
        if (schema.getNumber("exclusiveMaximum") != null) hi = schema.getNumber("exclusiveMaximum").doubleValue() - (integer ? 1 : 1e-6);
        String ln = name.toLowerCase(Locale.ROOT);
        double v;
        if (isScoreName(ln)) {
          double s = score();
          boolean unit = hi <= 1.0 || schema.getNumber("maximum") == null;
          v = unit ? Math.max(lo, Math.min(hi, s)) : lo + (hi - lo) * s;
        } else if (ln.contains("count") || ln.contains("number") || ln.contains("total")) {
          v = Math.max(lo, Math.min(hi, technologies.size() + signals.size()));
        } else if (ln.contains("year")) {
          v = Math.max(lo, Math.min(hi, 2025));
        } else {
          v = Math.max(lo, Math.min(hi, lo + 1 + index));
        }
        if (integer) return (long) Math.max(Math.ceil(lo), Math.min(Math.floor(hi), Math.round(v)));
        return Math.round(v * 100) / 100.0;
      }
      case "boolean":
        return !technologies.isEmpty() || !signals.isEmpty();
      case "null":
        return null;
      default: {
        String s = stringFor(name, schema, index);
        return s;
      }
    }
  }

  private static JsonObject resolveRef(JsonObject root, String ref) {
    if (!ref.startsWith("#/")) return null;
    Object cur = root;
    for (String part : ref.substring(2).split("/")) {
      if (!(cur instanceof JsonObject o)) return null;
      cur = o.getValue(part);
    }
    return cur instanceof JsonObject o ? o : null;
  }

  private static String typeOf(JsonObject schema) {
    Object t = schema.getValue("type");
    if (t instanceof String s) return s;
    if (t instanceof JsonArray a) {
      for (Object o : a) if (!"null".equals(o)) return String.valueOf(o);
    }
    if (schema.containsKey("properties")) return "object";
    if (schema.containsKey("items")) return "array";
    return "string";
  }

  private JsonArray stringArray(String name, int min, int max, int index) {
    String ln = name.toLowerCase(Locale.ROOT);
    List<String> pool;
    if (ln.contains("tech") || ln.contains("stack") || ln.contains("tool")) {
      pool = technologies;
    } else if (ln.contains("signal")) {
      pool = signals;
    } else if (ln.contains("url") || ln.contains("source") || ln.contains("link")) {
      pool = urls();
    } else {
      pool = new ArrayList<>();
      for (int i = 0; i < 3 && i < sentences.size(); i++) pool.add(sentences.get((index + i) % sentences.size()));
    }
    JsonArray arr = new JsonArray();
    for (String s : pool) {
      if (arr.size() >= max) break;
      arr.add(s);
    }
    int filler = 0;
    while (arr.size() < min) {
      String f = ln.contains("tech") ? CompanyProfiles.TECHNOLOGIES.get(filler % CompanyProfiles.TECHNOLOGIES.size())
          : sentence(index + arr.size());
      filler++;
      if (!arr.contains(f) || filler > 100) arr.add(f);
    }
    return arr;
  }

  private List<String> urls() {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = URL.matcher(all);
    while (m.find()) out.add(m.group().replaceAll("[.,;]+$", ""));
    return new ArrayList<>(out);
  }

  private String stringFor(String name, JsonObject schema, int index) {
    String ln = name.toLowerCase(Locale.ROOT);
    String s;
    if (ln.equals("channel")) {
      s = List.of("google_search", "news_search", "jobs_search").get(index % 3);
    } else if (ln.contains("query") || ln.contains("template")) {
      s = queryTemplate(index);
    } else if (ln.equals("domain") || ln.endsWith("_domain")) {
      s = company() != null ? company().domain() : "example.com";
    } else if (ln.contains("company") || ln.equals("name")) {
      s = company() != null ? company().name() : firstWords(sentence(index), 3);
    } else if (ln.contains("url") || ln.contains("link")) {
      List<String> u = urls();
      s = u.isEmpty() ? "https://" + (company() != null ? company().domain() : "example.com") + "/" : u.get(index % u.size());
    } else if (ln.contains("title") || ln.equals("heading") || ln.contains("label")) {
      s = firstWords(sentence(index), 6);
    } else if (ln.contains("tech")) {
      s = technologies.isEmpty() ? "none identified" : String.join(", ", technologies);
    } else if (ln.contains("signal")) {
      s = signals.isEmpty() ? "none identified" : String.join(", ", signals);
    } else if (ln.contains("preview")) {
      s = firstWords(summary(60), 30);
    } else if (ln.contains("summary") || ln.contains("description") || ln.contains("overview")
        || ln.contains("analysis") || ln.contains("reason") || ln.contains("rationale")) {
      s = summary(120);
    } else {
      s = sentence(index);
    }
    if (schema != null) {
      int minLen = schema.getInteger("minLength", 0);
      int maxLen = schema.getInteger("maxLength", Integer.MAX_VALUE);
      while (s.length() < minLen) s = s + " " + s;
      if (s.length() > maxLen) s = s.substring(0, maxLen);
    }
    return s;
  }

  /** The company the prompt names (looked up once, only when a field needs it). */
  private CompanyProfile company() {
    if (!companyLooked) {
      companyLooked = true;
      company = CompanyProfiles.fromQuery(user.length() > 4000 ? user.substring(0, 4000) : user);
    }
    return company;
  }

  private String queryTemplate(int index) {
    List<String> words = new ArrayList<>();
    for (String t : technologies) words.add(t);
    for (String g : signals) words.add(g);
    String focus = words.isEmpty() ? "technology stack" : words.get(index % words.size());
    return switch (index % 3) {
      case 0 -> "{COMPANY_NAME} " + focus + " {DOMAIN}";
      case 1 -> "{COMPANY_NAME} " + focus + " news";
      default -> "{COMPANY_NAME} " + focus + " engineer jobs";
    };
  }

  private String sentence(int index) {
    if (sentences.isEmpty()) return summary(40);
    return sentences.get(Math.floorMod(index, sentences.size()));
  }

  private static boolean isScoreName(String ln) {
    return ln.contains("score") || ln.contains("confidence") || ln.contains("probability") || ln.contains("likelihood")
        || ln.contains("relevance");
  }

  private static String singular(String name) {
    return name.endsWith("s") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  private static String firstWords(String s, int n) {
    String[] w = s.trim().replaceAll("[.!?]+$", "").split("\\s+");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, w.length); i++) {
      if (i > 0) sb.append(' ');
      sb.append(w[i]);
    }
    return sb.toString();
  }

  /** The text after an instruction line ending with ':' near the start, else the whole message. */
  static String body(String user) {
    String head = user.length() > 600 ? user.substring(0, 600) : user;
    int colon = -1;
    Matcher m = Pattern.compile(":[ \\t]*\\r?\\n").matcher(head);
    if (m.find()) colon = m.end();
    if (colon < 0) {
      Matcher lead = Pattern.compile("^\\s*[^.!?\\n]{0,200}?:\\s+").matcher(head);
      if (lead.find()) colon = lead.end();
    }
    String rest = colon >= 0 ? user.substring(colon) : user;
    return rest.isBlank() ? user : rest;
  }

  static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    String flat = text.length() > 20_000 ? text.substring(0, 20_000) : text;
    for (String s : SENTENCE_END.split(flat.replaceAll("\\s+", " ").trim())) {
      s = s.trim();
      if (s.length() >= 3) out.add(s);
      if (out.size() >= 50) break;
    }
    return out;
  }

  /** ~4 characters per token, as the providers' tokenizers roughly count English. */
  public static int tokens(String text) {
    return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
  }
}
