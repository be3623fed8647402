package io.gtm.gateway.reports;

import io.gtm.common.ApiException;

/** Temporary: replaced by the shared domain validator when research lands. */
final class Domains {
  private Domains() {}

  static String normalize(String raw, String field) {
    String d = raw.strip().toLowerCase(java.util.Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!d.matches("(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")) {
      throw ApiException.invalid(field, field + " must be a public domain name such as example.com");
    }
    return d;
  }
}
