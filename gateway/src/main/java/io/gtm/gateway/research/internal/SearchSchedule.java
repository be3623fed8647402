package io.gtm.gateway.research.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which domain x strategy search to start next, created lazily: nothing is materialised per
 * domain x strategy up front. Strategies are grouped into lanes (one per channel pool); each lane
 * walks the domains in order with its own cursor and starts a search only while it has fewer than
 * its limit in flight, so a slow channel never holds back a fast one. A lane may run at most
 * {@code maxLead} domains ahead of the lowest unfinished domain: the evidence held for open
 * domains, hence the heap, stays bounded whatever the number of domains.
 */
public final class SearchSchedule {

  /** One search to start: its lane, domain index and strategy index. */
  public record Launch(int lane, int domain, int strategy) {}

  private static final class Lane {
    final String name;
    final int[] strategies;
    final int limit;
    int inFlight;
    int domain;
    int pos;

    Lane(String name, int[] strategies, int limit) {
      this.name = name;
      this.strategies = strategies;
      this.limit = limit;
    }
  }

  private final int domains;
  private final int strategiesPerDomain;
  private final int maxLead;
  private final List<Lane> lanes = new ArrayList<>();
  private final Map<Integer, Integer> openRemaining = new HashMap<>();
  private final BitSet finished = new BitSet();
  private int low;
  private int nextLane;
  private long launched;

  /**
   * @param domains       number of domains
   * @param laneOfStrategy the lane (pool) name of each strategy, in strategy order
   * @param laneLimits    in-flight limit of each lane name
   * @param maxLead       how far past the lowest unfinished domain a lane may start searches
   */
  public SearchSchedule(int domains, List<String> laneOfStrategy, Map<String, Integer> laneLimits, int maxLead) {
    this.domains = domains;
    this.strategiesPerDomain = laneOfStrategy.size();
    this.maxLead = Math.max(1, maxLead);
    Map<String, List<Integer>> byLane = new LinkedHashMap<>();
    for (int s = 0; s < laneOfStrategy.size(); s++) {
      byLane.computeIfAbsent(laneOfStrategy.get(s), k -> new ArrayList<>()).add(s);
    }
    byLane.forEach((name, idx) -> lanes.add(new Lane(name, idx.stream().mapToInt(Integer::intValue).toArray(),
        Math.max(1, laneLimits.getOrDefault(name, 1)))));
  }

  public int strategiesPerDomain() {
    return strategiesPerDomain;
  }

  public long totalSearches() {
    return (long) domains * strategiesPerDomain;
  }

  public long launched() {
    return launched;
  }

  public String laneName(int lane) {
    return lanes.get(lane).name;
  }

  public int inFlight() {
    int n = 0;
    for (Lane l : lanes) {
      n += l.inFlight;
    }
    return n;
  }

  /** Domains whose searches started and whose result is not finished yet. */
  public int openDomains() {
    return openRemaining.size();
  }

  /** The next search to start, or null while every lane is full, ahead by maxLead, or done. */
  public Launch next() {
    for (int i = 0; i < lanes.size(); i++) {
      int li = (nextLane + i) % lanes.size();
      Lane lane = lanes.get(li);
      if (lane.inFlight >= lane.limit || lane.domain >= domains || lane.domain >= low + maxLead) {
        continue;
      }
      int domain = lane.domain;
      int strategy = lane.strategies[lane.pos];
      if (++lane.pos == lane.strategies.length) {
        lane.pos = 0;
        lane.domain++;
      }
      lane.inFlight++;
      launched++;
      openRemaining.putIfAbsent(domain, strategiesPerDomain);
      nextLane = (li + 1) % lanes.size();
      return new Launch(li, domain, strategy);
    }
    return null;
  }

  /** Records a finished search; true when it was the domain's last one. */
  public boolean searchDone(Launch launch) {
    lanes.get(launch.lane()).inFlight--;
    int left = openRemaining.merge(launch.domain(), -1, Integer::sum);
    return left == 0;
  }

  /** Records a domain whose result is finished: lanes may move past it. */
  public void domainFinished(int domain) {
    openRemaining.remove(domain);
    finished.set(domain);
    while (low < domains && finished.get(low)) {
      low++;
    }
  }

  /** True once every domain is finished. */
  public boolean allFinished() {
    return low >= domains;
  }
}
