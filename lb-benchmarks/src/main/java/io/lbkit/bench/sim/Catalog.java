package io.lbkit.bench.sim;

import io.lbkit.LoadTracker;
import io.lbkit.Strategy;
import io.lbkit.strategy.Strategies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the simulator compares, by name: strategies, trackers and client policies. Every
 * scenario runs the product of the three lists (in this order, which is the tables' row order).
 *
 * <p>Adding a strategy, a tracker or a failover mode is one line in the matching map below, e.g.
 * {@code s.put("peakEwma", Strategies::peakEwma);}, {@code t.put("health", (pool, ticker, random)
 * -> HealthMonitor.create(pool, HealthConfig.defaults(), ticker, random));}. Tests that need an
 * entry (peakEwma, consistentHash, consistentHashBounded, health) look it up by these names and
 * are skipped, saying so, until it is here.
 */
public final class Catalog {
  private static final Map<String, Supplier<Strategy>> STRATEGIES = strategies();
  private static final Map<String, TrackerFactory> TRACKERS = trackers();
  private static final Map<String, ClientPolicy> POLICIES = policies();

  private Catalog() {}

  private static Map<String, Supplier<Strategy>> strategies() {
    Map<String, Supplier<Strategy>> s = new LinkedHashMap<>();
    s.put("roundRobin", Strategies::roundRobin);
    s.put("random", Strategies::random);
    return s;
  }

  private static Map<String, TrackerFactory> trackers() {
    Map<String, TrackerFactory> t = new LinkedHashMap<>();
    t.put("load", (pool, ticker, random) -> LoadTracker.create(ticker));
    return t;
  }

  private static Map<String, ClientPolicy> policies() {
    Map<String, ClientPolicy> p = new LinkedHashMap<>();
    p.put("single", Policies.single());
    p.put("retry3", Policies.retry(3));
    return p;
  }

  public static boolean hasStrategy(String name) {
    return STRATEGIES.containsKey(name);
  }

  public static boolean hasTracker(String name) {
    return TRACKERS.containsKey(name);
  }

  /** The one variant with these names; throws naming what exists if one is unknown. */
  public static Variant variant(String strategy, String tracker, String policy) {
    return new Variant(strategy, lookup(STRATEGIES, "strategy", strategy), tracker,
        lookup(TRACKERS, "tracker", tracker), lookup(POLICIES, "policy", policy));
  }

  /** Every strategy x tracker x policy, the rows of each scenario's table. */
  public static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    for (Map.Entry<String, Supplier<Strategy>> s : STRATEGIES.entrySet()) {
      for (Map.Entry<String, TrackerFactory> t : TRACKERS.entrySet()) {
        for (ClientPolicy p : POLICIES.values()) {
          out.add(new Variant(s.getKey(), s.getValue(), t.getKey(), t.getValue(), p));
        }
      }
    }
    return out;
  }

  private static <T> T lookup(Map<String, T> map, String what, String name) {
    T v = map.get(name);
    if (v == null) {
      throw new IllegalArgumentException(what + ": " + name + " (expected: one of "
          + map.keySet() + ")");
    }
    return v;
  }
}
