package io.gtm.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.gateway.research.internal.DomainNames;
import io.gtm.search.client.GreenhouseClient;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Company domains are user input that ends up in provider queries and in the Greenhouse board
 * path: only public DNS names pass, and the board token can never carry a path, a query or a host.
 */
class DomainSafetyTest {
  static final List<String> REJECTED = List.of(
      // IP literals in every spelling
      "127.0.0.1", "10.0.0.8", "169.254.169.254", "2130706433", "0x7f000001", "0x7f.0.0.1", "017700000001",
      "127.1", "[::1]", "::1", "fe80::1", "[2001:db8::1]", "::ffff:127.0.0.1",
      // local and internal names
      "localhost", "LOCALHOST", "localhost.localdomain", "db.internal", "printer.local", "nas.lan", "corp.intranet",
      "svc.cluster.local", "router.home.arpa", "x.onion", "api.test", "a.example", "foo.invalid", "metadata.google.internal",
      // single labels and empty labels
      "intranet", "acme", "acme..com", ".acme.com", "",
      // URL syntax, ports, user info, paths, queries, fragments
      "http://acme.com", "https://acme.com/", "//acme.com", "acme.com/jobs", "acme.com?x=1", "acme.com#f",
      "user@acme.com", "user:pass@acme.com", "acme.com:8080", "acme.com:443",
      // characters that do not belong in a host name
      "acme .com", "acme.com\r\nHost: evil", "acme.com\u0000.evil", "ac%6de.com", "acme_corp.com", "-acme.com", "acme-.com",
      "acme.c0m", "äcme.com");

  @Test
  void nonPublicOrUrlLikeDomainsAreRejected() {
    List<String> accepted = new java.util.ArrayList<>();
    for (String d : REJECTED) {
      try {
        accepted.add(d + " -> " + DomainNames.normalize(d));
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    assertThat(accepted).isEmpty();
  }

  @Test
  void publicNamesPassInNormalForm() {
    assertThat(DomainNames.normalize(" Acme.COM. ")).isEqualTo("acme.com");
    assertThat(DomainNames.normalize("acme-robotics.co.uk")).isEqualTo("acme-robotics.co.uk");
    assertThat(DomainNames.normalize("xn--bcher-kva.de")).isEqualTo("xn--bcher-kva.de");
    assertThat(DomainNames.normalize("1password.com")).isEqualTo("1password.com");
    // surrounding white space and control characters are trimmed: only the clean form is ever used
    assertThat(DomainNames.normalize("acme.com\n")).isEqualTo("acme.com");
    assertThat(DomainNames.normalize("\u0000acme.com\u0000")).isEqualTo("acme.com");
  }

  @Test
  void theGreenhouseBoardTokenIsOnlyLowerCaseLettersDigitsAndHyphens() {
    assertThat(GreenhouseClient.boardToken("www.Stripe.com")).isEqualTo("stripe");
    assertThat(GreenhouseClient.boardToken("https://evil.com/../../admin?x=1")).isEqualTo("evil");
    assertThat(GreenhouseClient.boardToken("a%2f..%2fb.com")).isEqualTo("a2f");
    Random random = new Random(9);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(40);
      for (int k = 0; k < n; k++) {
        sb.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f)));
      }
      String token = GreenhouseClient.boardToken(sb.toString());
      if (token != null) {
        assertThat(token).as("token of '%s'", sb).matches("[a-z0-9-]+");
      }
    }
  }
}
