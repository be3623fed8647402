package io.gtm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriGuardTest {
  @Test
  void acceptsValidEscapesAndRejectsBrokenOnes() {
    assertThat(UriGuard.problem("/api/research/jobs/abc?x=a%20b&y=%C3%A9")).isNull();
    assertThat(UriGuard.problem("/api/x?q=50%")).contains("percent-escape");
    assertThat(UriGuard.problem("/api/%g1")).contains("percent-escape");
    assertThat(UriGuard.problem("/api/%C3")).contains("UTF-8");
    assertThat(UriGuard.problem("/api/%FF")).contains("UTF-8");
  }
}
