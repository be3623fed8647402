package io.gtm.gateway.research.internal;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that a company domain is a public DNS name and gives its normal form (lower case, no
 * trailing dot). Rejects IP literals, localhost, single labels, internal TLDs and anything URL-like.
 */
public final class DomainNames {
  private DomainNames() {}

  public static final int MAX_LENGTH = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern TLD = Pattern.compile("(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})");
  /** Suffixes that never resolve on the public internet (RFC 6761/6762/8375 and common private ones). */
  private static final Set<String> INTERNAL_TLDS = Set.of(
      "local", "localhost", "internal", "intranet", "lan", "corp", "home", "private", "test",
      "example", "invalid", "localdomain", "domain", "arpa", "onion", "alt", "home.arpa");

  /**
   * The normal form of {@code raw}.
   *
   * @throws IllegalArgumentException with the reason when it is not a public DNS name
   */
  public static String normalize(String raw) {
    if (raw == null) {
      throw new IllegalArgumentException("is empty");
    }
    String d = raw.trim().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    if (d.contains("://") || d.indexOf('/') >= 0 || d.indexOf('?') >= 0 || d.indexOf('#') >= 0
        || d.indexOf('@') >= 0) {
      throw new IllegalArgumentException("must be a bare domain name, not a URL");
    }
    if (d.indexOf(':') >= 0 || d.startsWith("[")) {
      throw new IllegalArgumentException("must be a bare domain name (no port, no IP address)");
    }
    if (d.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
    }
    String[] labels = d.split("\\.", -1);
    if (labels.length < 2) {
      throw new IllegalArgumentException("must have at least two labels (e.g. example.com)");
    }
    boolean allNumeric = true;
    for (String label : labels) {
      if (label.isEmpty()) {
        throw new IllegalArgumentException("has an empty label");
      }
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("has an invalid label '" + label + "'");
      }
      allNumeric &= label.chars().allMatch(Character::isDigit);
    }
    if (allNumeric) {
      throw new IllegalArgumentException("is an IP address, not a domain name");
    }
    String tld = labels[labels.length - 1];
    if (!TLD.matcher(tld).matches()) {
      throw new IllegalArgumentException("has an invalid top-level domain '" + tld + "'");
    }
    String lastTwo = labels[labels.length - 2] + "." + tld;
    if (INTERNAL_TLDS.contains(tld) || INTERNAL_TLDS.contains(lastTwo)) {
      throw new IllegalArgumentException("is not a public domain ('." + tld + "' is internal or reserved)");
    }
    if (labels[0].equals("localhost")) {
      throw new IllegalArgumentException("is not a public domain");
    }
    return d;
  }

  /** A readable company name from a domain: {@code acme-robotics.co.uk} -> {@code Acme Robotics}. */
  public static String companyName(String domain) {
    String[] labels = domain.split("\\.");
    String core = labels[0];
    if (labels.length > 2 && (core.equals("www") || labels[labels.length - 2].length() <= 3)) {
      core = labels.length > 2 && core.equals("www") ? labels[1] : labels[labels.length - 3];
    }
    StringBuilder out = new StringBuilder();
    for (String part : core.split("-")) {
      if (!part.isEmpty()) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.length() == 0 ? domain : out.toString();
  }
}
