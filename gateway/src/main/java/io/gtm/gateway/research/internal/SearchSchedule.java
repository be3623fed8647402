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
 * its limit in flight, so a slow channel never holds back a fast one. At most {@code maxOpen}
 * domains are open (searches started, result not finished) at once: a lane may open a new domain
 * only below that bound, but always continue on a domain another lane opened, so the slowest lane
 * never waits and one slow domain holds back nothing but its own slot. The evidence held for open
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
  private final int maxOpen;
  private final List<Lane> lanes = new ArrayList<>();
  private final Map<Integer, Integer> openRemaining = new HashMap<>();
  private final BitSet done = new BitSet();
  private int finished;
  private int nextLane;
  private long launched;

  /**
   * @param domains       number of domains
   * @param laneOfStrategy the lane (pool) name of each strategy, in strategy order
   * @param laneLimits    in-flight limit of each lane name
   * @param maxOpen       most domains open at once
   */
  public SearchSchedule(int domains, List<String> laneOfStrategy, Map<String, Integer> laneLimits, int maxOpen) {
    this.domains = domains;
    this.strategiesPerDomain = laneOfStrategy.size();
    this.maxOpen = Math.max(1, maxOpen);
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

  /** The next search to start, or null while every lane is full, waits for an open slot, or is done. */
  public Launch next() {
    for (int i = 0; i < lanes.size(); i++) {
      int li = (nextLane + i) % lanes.size();
      Lane lane = lanes.get(li);
      while (lane.pos == 0 && lane.domain < domains && done.get(lane.domain)) {
        lane.domain++; // finished before this lane reached it (stored by a previous coordinator)
      }
      if (lane.inFlight >= lane.limit || lane.domain >= domains || !mayOpen(lane.domain)) {
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

  // a domain is open from its first search until its result is finished; finished ones never reopen
  private boolean mayOpen(int domain) {
    return openRemaining.containsKey(domain) || (!done.get(domain) && openRemaining.size() < maxOpen);
  }

  /** Records a finished search; true when it was the domain's last one. */
  public boolean searchDone(Launch launch) {
    lanes.get(launch.lane()).inFlight--;
    int left = openRemaining.merge(launch.domain(), -1, Integer::sum);
    return left == 0;
  }

  /** Records a domain whose result is finished: its slot opens for another domain. */
  public void domainFinished(int domain) {
    openRemaining.remove(domain);
    if (!done.get(domain)) {
      done.set(domain);
      finished++;
    }
  }

  /**
   * Marks a domain finished before any search starts (a job taken over: its result is stored
   * already); no lane searches it. Call before the first {@link #next}.
   */
  public void alreadyFinished(int domain) {
    if (launched > 0) {
      throw new IllegalStateException("alreadyFinished after the first launch");
    }
    domainFinished(domain);
  }

  /** Domains finished so far. */
  public int finished() {
    return finished;
  }

  /** True once every domain is finished. */
  public boolean allFinished() {
    return finished >= domains;
  }
}
