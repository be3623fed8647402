package io.gtm.search.client;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain text from HTML (Greenhouse's {@code content} is HTML, itself HTML-escaped). */
public final class HtmlText {
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);");
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern BLOCK = Pattern.compile("(?i)</?(p|div|br|li|ul|ol|h[1-6]|tr|table|section)\\b[^>]*>");
  private static final Pattern SCRIPT = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>");
  private static final Map<String, String> NAMED = Map.ofEntries(
      Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("ndash", "\u2013"), Map.entry("mdash", "\u2014"),
      Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201C"),
      Map.entry("rdquo", "\u201D"), Map.entry("hellip", "\u2026"), Map.entry("bull", "\u2022"),
      Map.entry("middot", "\u00B7"), Map.entry("copy", "\u00A9"), Map.entry("reg", "\u00AE"),
      Map.entry("trade", "\u2122"), Map.entry("eacute", "\u00E9"), Map.entry("euro", "\u20AC"));

  private HtmlText() {}

  /** Decodes character references once ({@code &lt;p&gt;} becomes {@code <p>}); unknown ones stay. */
  public static String unescape(String s) {
    if (s == null || s.indexOf('&') < 0) {
      return s == null ? "" : s;
    }
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      String name = m.group(1);
      String rep;
      try {
        if (name.startsWith("#x") || name.startsWith("#X")) {
          rep = new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
        } else if (name.startsWith("#")) {
          rep = new String(Character.toChars(Integer.parseInt(name.substring(1))));
        } else {
          rep = NAMED.get(name);
        }
      } catch (IllegalArgumentException bad) {
        rep = null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(rep == null ? m.group() : rep));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Escaped HTML to plain text: unescape, drop scripts and tags (blocks become line breaks), unescape the text, tidy spaces. */
  public static String fromEscapedHtml(String escaped) {
    return fromHtml(unescape(escaped));
  }

  public static String fromHtml(String html) {
    String s = SCRIPT.matcher(html == null ? "" : html).replaceAll(" ");
    s = BLOCK.matcher(s).replaceAll("\n");
    s = TAG.matcher(s).replaceAll("");
    s = unescape(s).replace('\u00A0', ' ');
    s = s.replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" *\n[\n ]*", "\n");
    return s.strip();
  }
}
