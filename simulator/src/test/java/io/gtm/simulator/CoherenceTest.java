package io.gtm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CoherenceTest extends SimulatorTestBase {

  @Test
  void aDomainsTechnologiesAppearInItsSearchNewsAndJobs() throws Exception {
    String domain = ProviderShapesTest.domainWith(p -> p.hasBoard() && p.hasNews());
    CompanyProfile p = CompanyProfiles.of(domain);

    String search = postJson("/search", new JsonObject().put("query", p.name() + " technology stack {DOMAIN}"
        .replace("{DOMAIN}", domain)), "Authorization", "Bearer tvly-k").bodyAsString();
    String news = get("/v2/everything?q=" + domain + "&pageSize=100", "X-Api-Key", "n").bodyAsString();
    String jobs = get("/v1/boards/" + p.boardToken() + "/jobs?content=true", null, null).bodyAsString();
    for (String tech : p.technologies()) {
      assertThat(search).contains(tech);
      assertThat(news).contains(tech);
      assertThat(jobs).contains(tech);
    }
    for (String signal : p.signals()) {
      assertThat(search).contains(signal);
      assertThat(news).contains(signal);
    }
  }

  @Test
  void companyNameInTheQueryFindsTheSameCompanyAsItsDomain() throws Exception {
    CompanyProfile byDomain = CompanyProfiles.of("https://www.Northwind-Traders.com/about");
    assertThat(byDomain.domain()).isEqualTo("northwind-traders.com");
    assertThat(byDomain.name()).isEqualTo("Northwind Traders");
    CompanyProfile byName = CompanyProfiles.fromQuery("Northwind Traders Kubernetes hiring news");
    assertThat(byName.technologies()).isEqualTo(byDomain.technologies());
    assertThat(CompanyProfiles.of("northwind-traders.io").technologies()).isEqualTo(byDomain.technologies());
  }

  @Test
  void profilesAreDeterministicAndSomeDomainsHaveNoBoardOrNews() {
    int noBoard = 0;
    int noNews = 0;
    for (int i = 0; i < 1000; i++) {
      CompanyProfile a = CompanyProfiles.of("firm" + i + ".com");
      assertThat(CompanyProfiles.of("firm" + i + ".com")).isEqualTo(a);
      assertThat(a.technologies()).isNotEmpty().allMatch(CompanyProfiles.TECHNOLOGIES::contains);
      if (!a.hasBoard()) noBoard++;
      if (!a.hasNews()) noNews++;
    }
    assertThat(noBoard).isBetween(150, 250);
    assertThat(noNews).isBetween(60, 140);
  }
}
