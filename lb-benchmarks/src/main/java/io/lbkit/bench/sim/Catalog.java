package io.lbkit.bench.sim;

import io.lbkit.LoadTracker;
import io.lbkit.Strategy;
import io.lbkit.failover.Failover;
import io.lbkit.health.HealthConfig;
import io.lbkit.strategy.ConsistentHashConfig;
import io.lbkit.strategy.PrequalConfig;
import io.lbkit.strategy.OrcaWrrConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.strategy.ZoneAwareConfig;
import io.lbkit.strategy.ZoneSpillover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the simulator compares, by name: strategies, trackers and client policies, and which
 * of their combinations run on which scenario ({@link #plan}).
 *
 * <p>Strategies are lbkit's {@code Strategies} factories, one line each. Trackers: {@code load}
 * (lbkit's {@code LoadTracker}: counts and latencies, never ejects) and {@code health} (lbkit's
 * {@code HealthMonitor} with {@link HealthConfig#defaults()}, ticked in virtual time), and {@code
 * healthNoSlowStart} (the same without slow start; only where a plan names it). Policies
 * are lbkit's {@code LoadBalancer} facade with one failover mode each ({@link FacadePolicy}).
 */
public final class Catalog {
  /** Where {@code zoneAware} prefers to send traffic; the simulator puts even-indexed servers there. */
  public static final String LOCAL_ZONE = "zone-a";
  /** The fixed hedge delay: about scenario 1's p95 latency under round robin. */
  public static final Duration HEDGE_DELAY = Duration.ofMillis(50);

  private static final Map<String, Supplier<Strategy>> STRATEGIES = strategies();
  private static final Map<String, TrackerFactory> TRACKERS = trackers();
  private static final Map<String, ClientPolicy> POLICIES = policies();

  /** Key-blind strategies: every scenario without keys runs them. */
  static final List<String> KEY_BLIND = List.of("roundRobin", "random", "weightedRoundRobin",
      "weightedRandom", "leastConnections", "weightedLeastConnections", "powerOfTwoChoices",
      "peakEwma", "prequal", "zoneAware", "subset");
  /** The hash family: key affinity only means something with keyed requests. */
  static final List<String> HASH = List.of("hash", "consistentHash", "consistentHashBounded",
      "maglev", "rendezvous");

  /** The load ramp's strategies (scenario 10), as the issue lists them, and Prequal tuned. */
  static final List<String> RAMP = List.of("random", "roundRobin", "powerOfTwoChoices",
      "leastConnections", "peakEwma", "orcaWeightedRoundRobin", "prequal", "prequalFresh");
  /** The recovering server's strategies (scenario 9). */
  static final List<String> RECOVERY = List.of("roundRobin", "weightedRoundRobin",
      "powerOfTwoChoices", "peakEwma");
  /** Trackers that {@link #variants()} leaves out: config variants run only where planned. */
  private static final List<String> PLANNED_ONLY = List.of("healthNoSlowStart");

  private Catalog() {}

  private static Map<String, Supplier<Strategy>> strategies() {
    Map<String, Supplier<Strategy>> s = new LinkedHashMap<>();
    s.put("roundRobin", Strategies::roundRobin);
    s.put("random", Strategies::random);
    s.put("weightedRoundRobin", Strategies::weightedRoundRobin);
    s.put("weightedRandom", Strategies::weightedRandom);
    s.put("leastConnections", Strategies::leastConnections);
    s.put("weightedLeastConnections", Strategies::weightedLeastConnections);
    s.put("powerOfTwoChoices", Strategies::powerOfTwoChoices);
    s.put("peakEwma", Strategies::peakEwma);
    // probes each run's simulated servers (SimProbing) through their lb-server load reporters
    s.put("prequal", new SimProbing.Entry("prequal", (prober, scheduler) -> Strategies.prequal(
        PrequalConfig.builder(prober).scheduler(scheduler).build())));
    // prequal whose pool is renewed twice as fast as it is used: each answer serves one pick
    s.put("prequalFresh", new SimProbing.Entry("prequalFresh", (prober, scheduler) ->
        Strategies.prequal(PrequalConfig.builder(prober).scheduler(scheduler)
            .probesPerPick(2).maxUses(1).build())));
    s.put("hash", Strategies::hash);
    s.put("consistentHash", Strategies::consistentHash);
    s.put("consistentHashBounded", () -> Strategies.consistentHash(
        ConsistentHashConfig.builder().boundedLoad(1.25).build()));
    s.put("maglev", Strategies::maglev);
    s.put("rendezvous", Strategies::rendezvous);
    s.put("orcaWeightedRoundRobin", Strategies::orcaWeightedRoundRobin); // weights from reports
    s.put("orcaNoBlackout", () -> Strategies.orcaWeightedRoundRobin(
        OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build())); // reports used at once
    // zone preference over P2C; one simulated client, so a subset of 4 leaves servers unused
    s.put("zoneAware", () -> Strategies.zoneAware(LOCAL_ZONE, Strategies.powerOfTwoChoices()));
    s.put("subset", () -> Strategies.subset(4, "0", Strategies.powerOfTwoChoices()));
    // zoneAware plus spillover from measured latency and errors, evaluated on the run's scheduler
    s.put("zoneAwareSpill", new SimProbing.Entry("zoneAwareSpill", (prober, scheduler) ->
        Strategies.zoneAware(ZoneAwareConfig.builder(LOCAL_ZONE)
            .spillover(ZoneSpillover.of(scheduler)).build(), Strategies.powerOfTwoChoices())));
    return s;
  }

  private static Map<String, TrackerFactory> trackers() {
    Map<String, TrackerFactory> t = new LinkedHashMap<>();
    t.put("load", (pool, ticker, random) -> LoadTracker.create(ticker));
    t.put("health", new HealthTrackerFactory(HealthConfig.defaults()));
    t.put("healthNoSlowStart",
        new HealthTrackerFactory(HealthConfig.builder().noSlowStart().build()));
    return t;
  }

  private static Map<String, ClientPolicy> policies() {
    Map<String, ClientPolicy> p = new LinkedHashMap<>();
    p.put("failFast", new FacadePolicy("failFast", Failover.failFast()));
    p.put("retry3", new FacadePolicy("retry3", Failover.retry(3)));
    p.put("hedged", new FacadePolicy("hedged", Failover.hedged(HEDGE_DELAY)));
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

  /** Every strategy x tracker x policy (but trackers that only run where a plan names them). */
  public static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    for (String s : STRATEGIES.keySet()) {
      for (String t : TRACKERS.keySet()) {
        if (PLANNED_ONLY.contains(t)) {
          continue;
        }
        for (String p : POLICIES.keySet()) {
          out.add(variant(s, t, p));
        }
      }
    }
    return out;
  }

  /** The variants that run on {@code scenario}: its {@link #plan}, or all for an unnumbered one. */
  public static List<Variant> variants(Scenario scenario) {
    Plan plan = plan(scenario.number());
    return plan == null ? variants() : plan.variants();
  }

  /**
   * Which strategies and which tracker/policy pairs run on scenario {@code number} (null for a
   * number without a plan), and why: every strategy runs where it has something to show, each
   * failover mode where there are failures to mask or tails to cut, so that all scenarios run
   * in a few minutes on 2 cores.
   */
  public static Plan plan(int number) {
    List<String> all = new ArrayList<>(KEY_BLIND);
    all.addAll(HASH);
    switch (number) {
      case 1:
        return new Plan(List.of(new Part(all, "load/failFast"), new Part(KEY_BLIND, "load/hedged")),
            "healthy cluster: the spread baseline of every strategy (the hash family with random "
                + "keys); nothing fails, so retries and health change nothing; hedging cuts tails");
      case 2:
        return new Plan(List.of(new Part(KEY_BLIND, "load/failFast", "load/hedged",
                "health/failFast")),
            "slow server: load awareness, hedging and latency-based ejection are what can help");
      case 3:
      case 4:
        return new Plan(List.of(new Part(KEY_BLIND, "load/failFast", "load/retry3",
                "health/failFast", "health/retry3")),
            "failures: retries mask them, health tracking stops sending to the failing server");
      case 5:
      case 6:
        return new Plan(List.of(new Part(KEY_BLIND, "load/retry3", "health/failFast",
                "health/retry3"), new Part(List.of("roundRobin"), "load/failFast")),
            "outages over time: what retries and ejection (and their recovery) do; round robin "
                + "with neither is the baseline of the README's chart");
      case 7:
        return new Plan(List.of(new Part(KEY_BLIND.subList(0, KEY_BLIND.size() - 1),
                "load/failFast", "health/failFast", "health/retry3")),
            "scale-out: slow start is a health-tracker feature; subset is left out (one client "
                + "with a subset of 4 cannot use 20 servers)");
      case 8:
        return new Plan(List.of(new Part(concat(HASH, List.of("roundRobin", "powerOfTwoChoices",
                "peakEwma")), "load/failFast", "load/retry3", "health/retry3")),
            "hot key: the hash family, with three key-blind strategies as the spread baseline");
      case 9:
        return new Plan(List.of(new Part(RECOVERY, "health/retry3", "healthNoSlowStart/retry3")),
            "many clients, one recovering server: slow start (a health-tracker feature) on and "
                + "off; retry(3) masks the outage itself, so what fails is the return");
      case 10:
        return new Plan(List.of(new Part(RAMP, "load/failFast")),
            "load ramp: spread under rising load and noisy neighbours; one attempt, so the "
                + "errors are the balancing's");
      case 11:
        return new Plan(List.of(new Part(List.of("roundRobin", "powerOfTwoChoices", "peakEwma",
                "zoneAware", "zoneAwareSpill"), "load/failFast", "health/failFast")),
            "local zone brown-out: zone preference with and without measured spillover, beside "
                + "three zone-blind strategies");
      case 12:
        return new Plan(List.of(new Part(List.of("roundRobin", "weightedRoundRobin", "random",
                "leastConnections", "powerOfTwoChoices", "peakEwma", "orcaWeightedRoundRobin",
                "orcaNoBlackout"),
                "load/failFast", "health/failFast")),
            "unequal capacity: only load reports (ORCA) or load awareness can see it; health "
                + "tracking sees the small servers' overload");
      default:
        return null;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Some strategies, each run with some {@code tracker/policy} pairs. */
  public record Part(List<String> strategies, List<String> modes) {
    Part(List<String> strategies, String... modes) {
      this(List.copyOf(strategies), List.of(modes));
    }
  }

  /** What runs on one scenario and why; rows ordered by strategy, then mode. */
  public record Plan(List<Part> parts, String why) {
    public List<Variant> variants() {
      List<Variant> out = new ArrayList<>();
      for (Part part : parts) {
        for (String s : part.strategies()) {
          for (String mode : part.modes()) {
            String[] tp = mode.split("/");
            out.add(variant(s, tp[0], tp[1]));
          }
        }
      }
      return out;
    }

    /** One line for the index: how many rows and what they are. */
    public String summary() {
      StringBuilder sb = new StringBuilder();
      for (Part part : parts) {
        sb.append(sb.length() == 0 ? "" : "; ").append(part.strategies().size())
            .append(" strategies (").append(String.join(", ", part.strategies())).append(") x ")
            .append(String.join(", ", part.modes()));
      }
      return sb.toString();
    }
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
