package io.gtm.gateway.research.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gtm.common.ApiException;
import io.gtm.common.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResearchRequestTest {

  private static JsonObject body() {
    return new JsonObject().put("research_goal", "find fintechs using Kubernetes")
        .put("company_domains", new JsonArray().add("stripe.com").add("Plaid.COM.").add("stripe.com"))
        .put("search_depth", "quick").put("max_parallel_searches", 10).put("confidence_threshold", 0.6);
  }

  private static ApiException reject(JsonObject body) {
    try {
      ResearchRequest.parse(body, 20, 200);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted " + body);
  }

  @Test
  void normalisesAndCountsDuplicateDomainsOnce() {
    ResearchRequest r = ResearchRequest.parse(body(), 20, 200);
    assertThat(r.companyDomains()).containsExactly("stripe.com", "plaid.com");
    assertThat(r.searchDepth()).isEqualTo("quick");
    assertThat(r.maxParallelSearches()).isEqualTo(10);
    assertThat(r.confidenceThreshold()).isEqualTo(0.6);
  }

  @Test
  void appliesDefaultsForOptionalFields() {
    JsonObject b = body();
    b.remove("search_depth");
    b.remove("max_parallel_searches");
    b.remove("confidence_threshold");
    ResearchRequest r = ResearchRequest.parse(b, 20, 200);
    assertThat(r.searchDepth()).isEqualTo("standard");
    assertThat(r.maxParallelSearches()).isEqualTo(20);
    assertThat(r.confidenceThreshold()).isEqualTo(ResearchRequest.DEFAULT_THRESHOLD);
  }

  @Test
  void zeroDomainsIs422NamingCompanyDomains() {
    ApiException e = reject(body().put("company_domains", new JsonArray()));
    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
    assertThat(e.field()).isEqualTo("company_domains");
  }

  @Test
  void moreThanHundredThousandDomainsIsRejected() {
    JsonArray many = new JsonArray();
    IntStream.range(0, 100_001).forEach(i -> many.add("c" + i + ".com"));
    ApiException e = reject(body().put("company_domains", many));
    assertThat(e.field()).isEqualTo("company_domains");
    assertThat(e.getMessage()).contains("100000");
  }

  @Test
  void missingAndMistypedFieldsAreNamed() {
    JsonObject noGoal = body();
    noGoal.remove("research_goal");
    assertThat(reject(noGoal).field()).isEqualTo("research_goal");
    ApiException typed = reject(body().put("research_goal", 42));
    assertThat(typed.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(typed.field()).isEqualTo("research_goal");
    assertThat(reject(body().put("company_domains", "stripe.com")).field()).isEqualTo("company_domains");
    assertThat(reject(body().put("company_domains", new JsonArray().add(7))).field()).isEqualTo("company_domains");
    assertThat(reject(body().put("max_parallel_searches", "ten")).code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void outOfRangeValuesAre422NamingTheField() {
    assertThat(reject(body().put("search_depth", "deep")).field()).isEqualTo("search_depth");
    assertThat(reject(body().put("max_parallel_searches", 0)).field()).isEqualTo("max_parallel_searches");
    assertThat(reject(body().put("max_parallel_searches", 201)).field()).isEqualTo("max_parallel_searches");
    assertThat(reject(body().put("max_parallel_searches", 2.5)).field()).isEqualTo("max_parallel_searches");
    ApiException t = reject(body().put("confidence_threshold", 1.5));
    assertThat(t.code()).isEqualTo(ErrorCode.VALIDATION);
    assertThat(t.field()).isEqualTo("confidence_threshold");
    assertThat(reject(body().put("confidence_threshold", -0.1)).field()).isEqualTo("confidence_threshold");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "192.168.1.1", "[::1]", "::1", "localhost", "intranet", "db.local",
      "svc.internal", "printer.lan", "hr.corp", "https://stripe.com", "stripe.com/about", "stripe.com:443",
      "user@stripe.com", "-bad.com", "bad-.com", "a..com", "under_score.com", "stripe.c0m", " ", "xn--.com"})
  void rejectsDomainsThatAreNotPublicDnsNames(String domain) {
    ApiException e = reject(body().put("company_domains", new JsonArray().add("ok.com").add(domain)));
    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
    assertThat(e.field()).isEqualTo("company_domains");
    assertThat(e.getMessage()).contains("company_domains[1]");
  }

  @Test
  void rejectsNamesLongerThan253Characters() {
    String label = "a".repeat(60);
    String longName = String.join(".", label, label, label, label, "example", "com");
    assertThat(longName.length()).isGreaterThan(253);
    assertThatThrownBy(() -> DomainNames.normalize(longName)).hasMessageContaining("253");
    String label64 = "a".repeat(64) + ".com";
    assertThatThrownBy(() -> DomainNames.normalize(label64)).hasMessageContaining("label");
  }

  @Test
  void acceptsPublicNamesIncludingIdnAndSubdomains() {
    assertThat(DomainNames.normalize("Shop.Example-Co.co.uk.")).isEqualTo("shop.example-co.co.uk");
    assertThat(DomainNames.normalize("xn--bcher-kva.de")).isEqualTo("xn--bcher-kva.de");
    assertThat(DomainNames.normalize("3m.com")).isEqualTo("3m.com");
  }

  @Test
  void derivesCompanyNamesFromDomains() {
    assertThat(DomainNames.companyName("acme-robotics.com")).isEqualTo("Acme Robotics");
    assertThat(DomainNames.companyName("www.stripe.com")).isEqualTo("Stripe");
    assertThat(DomainNames.companyName("monzo.co.uk")).isEqualTo("Monzo");
  }
}
