package io.gtm.gateway.research.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchScheduleTest {

  private static final List<String> LANES = List.of("google_search", "news_search", "jobs_search",
      "google_search", "news_search", "jobs_search");

  @Test
  void domainsFinishedBeforeATakeoverAreNeverSearchedAndTheRestExactlyOnce() {
    int domains = 40;
    SearchSchedule s = new SearchSchedule(domains, LANES, Map.of("google_search", 4, "news_search", 3, "jobs_search", 5), 6);
    Set<Integer> stored = Set.of(0, 1, 2, 7, 8, 20, 39);
    stored.forEach(s::alreadyFinished);
    Set<Long> seen = new HashSet<>();
    List<SearchSchedule.Launch> inFlight = new ArrayList<>(drain(s));
    while (!inFlight.isEmpty()) {
      SearchSchedule.Launch l = inFlight.remove(0);
      assertThat(stored).doesNotContain(l.domain());
      assertThat(seen.add((long) l.domain() * 100 + l.strategy())).isTrue();
      if (s.searchDone(l)) {
        s.domainFinished(l.domain());
      }
      inFlight.addAll(drain(s));
    }
    assertThat(seen).hasSize((domains - stored.size()) * LANES.size());
    assertThat(s.allFinished()).isTrue();
  }

  @Test
  void aJobWhoseEveryDomainWasStoredIsFinishedAtOnce() {
    SearchSchedule s = new SearchSchedule(3, LANES, Map.of("google_search", 4, "news_search", 3, "jobs_search", 5), 6);
    for (int d = 0; d < 3; d++) {
      s.alreadyFinished(d);
    }
    assertThat(s.allFinished()).isTrue();
    assertThat(s.next()).isNull();
  }

  @Test
  void startsNoMoreThanEachLaneLimit() {
    SearchSchedule s = new SearchSchedule(1000, LANES, Map.of("google_search", 3, "news_search", 2, "jobs_search", 1), 1000);
    List<SearchSchedule.Launch> started = drain(s);
    assertThat(started).hasSize(6);
    assertThat(started.stream().filter(l -> s.laneName(l.lane()).equals("google_search"))).hasSize(3);
    assertThat(started.stream().filter(l -> s.laneName(l.lane()).equals("jobs_search"))).hasSize(1);
    assertThat(s.next()).isNull();
  }

  @Test
  void aFreedSlotStartsTheNextSearchOfThatLaneOnly() {
    SearchSchedule s = new SearchSchedule(1000, LANES, Map.of("google_search", 2, "news_search", 2, "jobs_search", 2), 1000);
    List<SearchSchedule.Launch> started = drain(s);
    SearchSchedule.Launch news = started.stream().filter(l -> s.laneName(l.lane()).equals("news_search")).findFirst().orElseThrow();
    s.searchDone(news);
    SearchSchedule.Launch next = s.next();
    assertThat(s.laneName(next.lane())).isEqualTo("news_search");
    assertThat(s.next()).isNull();
  }

  @Test
  void everyDomainStrategyPairRunsExactlyOnceAndDomainsCompleteWhenAllTheirSearchesDo() {
    int domains = 50;
    SearchSchedule s = new SearchSchedule(domains, LANES, Map.of("google_search", 4, "news_search", 3, "jobs_search", 5), 7);
    Set<Long> seen = new HashSet<>();
    List<Integer> completed = new ArrayList<>();
    List<SearchSchedule.Launch> inFlight = new ArrayList<>(drain(s));
    while (!inFlight.isEmpty()) {
      SearchSchedule.Launch l = inFlight.remove(inFlight.size() / 2); // out of order completions
      assertThat(seen.add((long) l.domain() * 100 + l.strategy())).isTrue();
      if (s.searchDone(l)) {
        completed.add(l.domain());
        s.domainFinished(l.domain());
      }
      inFlight.addAll(drain(s));
    }
    assertThat(seen).hasSize(domains * LANES.size());
    assertThat(completed).hasSize(domains).doesNotHaveDuplicates();
    assertThat(s.allFinished()).isTrue();
    assertThat(s.launched()).isEqualTo(s.totalSearches());
  }

  @Test
  void noMoreThanMaxOpenDomainsAreOpenWhenALaneIsStuck() {
    // news is fast (big limit), jobs stuck (nothing completes): news may open only maxOpen domains
    SearchSchedule s = new SearchSchedule(100_000, List.of("news_search", "jobs_search"),
        Map.of("news_search", 50, "jobs_search", 1), 10);
    List<SearchSchedule.Launch> first = drain(s);
    for (int round = 0; round < 100; round++) {
      for (SearchSchedule.Launch l : first) {
        if (s.laneName(l.lane()).equals("news_search")) {
          s.searchDone(l);
        }
      }
      first = drain(s);
    }
    assertThat(s.openDomains()).isLessThanOrEqualTo(10);
    assertThat(s.inFlight()).isLessThanOrEqualTo(51);
  }

  @Test
  void oneSlowDomainHoldsBackNothingButItsOwnSlot() {
    int domains = 500;
    SearchSchedule s = new SearchSchedule(domains, LANES, Map.of("google_search", 4, "news_search", 4, "jobs_search", 4), 8);
    List<SearchSchedule.Launch> inFlight = new ArrayList<>(drain(s));
    SearchSchedule.Launch stuck = null;
    int finished = 0;
    while (!inFlight.isEmpty()) {
      SearchSchedule.Launch l = inFlight.remove(0);
      if (stuck == null && l.domain() == 0 && s.laneName(l.lane()).equals("jobs_search")) {
        stuck = l; // never answers
      } else if (s.searchDone(l)) {
        s.domainFinished(l.domain());
        finished++;
      }
      inFlight.addAll(drain(s));
    }
    assertThat(finished).isEqualTo(domains - 1);
    assertThat(s.openDomains()).isEqualTo(1);
    assertThat(s.launched()).isEqualTo(s.totalSearches());
  }

  private static List<SearchSchedule.Launch> drain(SearchSchedule s) {
    List<SearchSchedule.Launch> out = new ArrayList<>();
    SearchSchedule.Launch l;
    while ((l = s.next()) != null) {
      out.add(l);
    }
    return out;
  }
}
