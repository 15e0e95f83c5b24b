package io.lbkit.bench.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The named scenario presets, numbered as in the issue.
 *
 * <p>Sizing (so that every variant of every scenario runs in well under two minutes on 2 cores):
 * 5 servers of capacity 8 serving lognormal times around 20 ms can take ~2000 req/s; the open-loop
 * rates below keep a healthy cluster at 25-75% of that, so that queueing shows where balancing is
 * poor but a healthy cluster never melts. Runs last 60-120 s of virtual time.
 */
public final class Scenarios {
  static final int CAPACITY = 8;

  private Scenarios() {}

  /** All presets in order. */
  public static List<Scenario> all() {
    return List.of(heterogeneous(), oneSlow(), oneDead(), brownOut(), flapping(),
        allDownThenRecovery(), scaleOut(), hotKey(), unequalCapacity());
  }

  /** The preset with this number (1-8). */
  public static Scenario byNumber(int number) {
    for (Scenario s : all()) {
      if (s.number() == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("scenario: " + number + " (expected: 1..8)");
  }

  private static ServerSpec server(int i, double meanMillis) {
    return ServerSpec.of("s" + (i + 1), ServiceTime.lognormal(meanMillis)).withCapacity(CAPACITY);
  }

  private static List<ServerSpec> uniform(int n, double meanMillis) {
    List<ServerSpec> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(server(i, meanMillis));
    }
    return out;
  }

  private static Scenario.Builder withServers(Scenario.Builder b, List<ServerSpec> specs) {
    specs.forEach(b::server);
    return b;
  }

  /** Servers with means 10, 15, 20, 25 and 30 ms, all healthy; 1000 req/s. */
  public static Scenario heterogeneous() {
    Scenario.Builder b = Scenario.builder(1, "s1-heterogeneous", "Heterogeneous healthy cluster")
        .description("Five healthy servers with mean service times 10, 15, 20, 25 and 30 ms "
            + "(lognormal, sigma 0.5), capacity " + CAPACITY + " each; 1000 req/s open loop. "
            + "Round robin loads the 30 ms server to ~75% while the 10 ms one idles.")
        .workload(Workload.openLoop(1000)).durationSeconds(60);
    for (int i = 0; i < 5; i++) {
      b.server(server(i, 10 + 5 * i));
    }
    return b.build();
  }

  /** Scenario 1 with its 20 ms server 10x slower (200 ms) throughout. */
  public static Scenario oneSlow() {
    Scenario.Builder b = Scenario.builder(2, "s2-one-slow", "One of five servers 10x slower")
        .description("Scenario 1's cluster with s3 (20 ms) 10x slower (200 ms) for the whole "
            + "run: at 1000 req/s a fair fifth of the load (200 req/s) is five times what s3 can "
            + "serve (" + CAPACITY + " / 0.2 s = 40 req/s), so a blind strategy queues behind it."
            + " Reading the table: hedging cannot save round robin here (its copies also queue, "
            + "and the retry budget caps them), while load-aware strategies starve s3 by "
            + "themselves and health tracking ejects it for its latency.")
        .workload(Workload.openLoop(1000)).durationSeconds(60)
        .change(0, 2, Condition.slow(10));
    for (int i = 0; i < 5; i++) {
      b.server(server(i, 10 + 5 * i));
    }
    return b.build();
  }

  /** One server of five refuses connections from the start. */
  public static Scenario oneDead() {
    return withServers(Scenario.builder(3, "s3-one-dead", "One of five servers dead"), uniform(5, 20))
        .description("Five 20 ms servers; s3 refuses every connection (1 ms to the RST) for the "
            + "whole run; 1000 req/s."
            + " Reading the table: the dead server answers in 1 ms, so to least connections and "
            + "the latency-aware strategies it looks like the idlest, fastest server (a black "
            + "hole: 66% of least connections' attempts go there); retry(3) then needs more "
            + "retries than the retry budget (20% of calls + 10/s) grants, which is the budget "
            + "doing its job. Health tracking ejects s3 after 5 refusals and fixes every "
            + "strategy.")
        .workload(Workload.openLoop(1000)).durationSeconds(60)
        .change(0, 2, Condition.DEAD)
        .build();
  }

  /** One server fails half of its calls after serving them. */
  public static Scenario brownOut() {
    return withServers(Scenario.builder(4, "s4-brown-out", "Brown-out: one server failing 50%"),
            uniform(5, 20))
        .description("Five 20 ms servers; s3 answers 50% of its calls with an error after the "
            + "full service time, for the whole run; 1000 req/s.")
        .workload(Workload.openLoop(1000)).durationSeconds(60)
        .change(0, 2, Condition.failing(0.5))
        .build();
  }

  /** One server goes down and comes back every 20 s. */
  public static Scenario flapping() {
    Scenario.Builder b = withServers(
        Scenario.builder(5, "s5-flapping", "Flapping server (down/up every 20 s)"),
        cold(uniform(5, 20), 3, 10_000))
        .description("Five 20 ms servers; s1 is down (refusing) during 20-40 s, 60-80 s and "
            + "100-120 s, up otherwise, and restarts cold (3x slower, easing off over 10 s); "
            + "500 req/s. The chart follows s1's share of attempts (fair: 20%).")
        .workload(Workload.openLoop(500)).durationSeconds(120)
        .chart(Scenario.Chart.FOCUS_SHARE, "share of attempts to s1 (fair 20%)", 0);
    for (int t = 20; t < 120; t += 40) {
      b.change(t, 0, Condition.DEAD).change(t + 20, 0, Condition.UP);
    }
    return b.build();
  }

  /** Every server down for 30 s, then all restart cold at once. */
  public static Scenario allDownThenRecovery() {
    Scenario.Builder b = withServers(
        Scenario.builder(6, "s6-all-down", "All servers down for 30 s, then recovery"),
        cold(uniform(5, 20), 3, 10_000))
        .description("Five 20 ms servers, all down (refusing) from 30 s to 60 s, then all "
            + "restart cold together (3x slower, easing off over 10 s); 500 req/s. The chart "
            + "shows attempts per second reaching the cluster: retries multiply it while "
            + "everything fails (the thundering herd) and hit the cold servers at recovery."
            + " Reading the table: no variant can succeed while nothing is up, so ~66.7% (60 of 90 "
            + "s) is the ceiling. With health tracking every breaker opens during the outage; "
            + "the monitor's panic mode moves each OPEN breaker to HALF_OPEN 100 ms after it "
            + "opened instead of waiting out resilience4j's 60 s, so their probes find the "
            + "servers at 60 s (before that change health runs reached only 33.5%). Each failed "
            + "probe round reopens the breakers, which the ejection column counts (about six "
            + "hundred).")
        .workload(Workload.openLoop(500)).durationSeconds(90)
        .chart(Scenario.Chart.ATTEMPT_RATE, "attempts per second (offered: 500)");
    for (int i = 0; i < 5; i++) {
      b.change(30, i, Condition.DEAD).change(60, i, Condition.UP);
    }
    return b.build();
  }

  /** 5 servers, then 15 more join (cold) while the load doubles. */
  public static Scenario scaleOut() {
    List<ServerSpec> specs = new ArrayList<>();
    List<Integer> first = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      specs.add(server(i, 20).withWarmup(4, 20_000));
      all.add(i);
      if (i < 5) {
        first.add(i);
      }
    }
    Integer[] added = new Integer[15];
    for (int i = 0; i < 15; i++) {
      added[i] = i + 5;
    }
    return withServers(Scenario.builder(7, "s7-scale-out", "Scale-out from 5 to 20 servers"),
            specs)
        .description("Five warm 20 ms servers at 1200 req/s (60% busy); at 30 s fifteen new "
            + "servers join the pool and the load doubles to 2400 req/s. New servers start cold: "
            + "4x slower, easing off linearly over 20 s, so one that takes a full share at once "
            + "queues (drowns). The chart follows the new servers' share (fair: 75%)."
            + " Reading the table: strategies whose weights carry the health tracker's slow-start "
            + "ramp (weighted round robin, weighted random, weighted least connections) keep "
            + "the p99 near 100 ms. The unweighted ones apply the ramp by a draw on the pick "
            + "and, when the draw rejects a ramping server, walk to the next candidate in "
            + "order (lb-strategies Walk): behind a run of 15 ramping servers that is s1, "
            + "which gets up to 12% of attempts instead of 5%, overloads and is ejected; "
            + "round robin with health loses 2.7-3.7% of requests that way (a known defect of "
            + "the walk, not fixed here).")
        .initialMembers(first).poolChange(30, all)
        .workload(Workload.openLoop(1200).thenRate(30, 2400)).durationSeconds(70)
        .chart(Scenario.Chart.FOCUS_SHARE, "share of attempts to the 15 new servers (fair 75%)",
            added)
        .build();
  }

  /** Keyed requests with one very hot key. */
  public static Scenario hotKey() {
    Keys keys = new Keys(1000, 1.0, 0.2);
    return withServers(Scenario.builder(8, "s8-hot-key", "Hot key under consistent hashing"),
            uniform(5, 20))
        .description("Five 20 ms servers; 1000 req/s carrying keys drawn from 1000 keys (Zipf "
            + "s=1) with one very hot key taking " + Report.num(keys.topShare() * 100)
            + "% of requests. Consistent hashing sends that key's load to one server, which "
            + "cannot serve it; bounded loads (c = 1.25) spill the excess. Key-blind strategies "
            + "are listed as the spread baseline."
            + " Reading the table: without bounds the server holding the hot key overloads "
            + "(1 s timeouts, 50-65% success); retry(3) moves some of that load to the next "
            + "server, which overloads in turn, and the retry budget stops the rest. Health "
            + "tracking ejects or opens the breaker of each overloaded server in turn (the "
            + "hot key moves along the ring); panic mode keeps breakers probing, so this "
            + "reaches 90-96% (14-36% before that change). Bounded loads keep every server "
            + "within 1.25x of the mean and lose nothing.")
        .workload(Workload.openLoop(1000).withKeys(keys)).durationSeconds(60)
        .build();
  }

  /** The capacities (slots) of {@link #unequalCapacity()}'s servers: 1x, 2x and 4x, twice. */
  static final int[] UNEQUAL_CAPACITIES = {4, 8, 16, 4, 8, 16};

  /**
   * Servers of 1x, 2x and 4x capacity that the client's configuration does not know about (equal
   * weights), at 75% of the fleet's capacity: only load reports can tell them apart.
   */
  public static Scenario unequalCapacity() {
    Scenario.Builder b = Scenario.builder(11, "s11-unequal-capacity",
            "Unequal capacity unknown to the client")
        .description("Six 20 ms servers of capacity 4, 8 and 16 (1x, 2x, 4x, twice), all with "
            + "weight 1; 2100 req/s open loop, 75% of the 2800 req/s they can serve together. "
            + "Every response carries the server's load report (utilization of its slots, qps "
            + "and eps over the last second). Reading the table: round robin and weighted round "
            + "robin give each server a sixth (350 req/s), so the small ones, which can serve "
            + "200, queue up to their limit (5 s of work) and time out or reject. "
            + "orcaWeightedRoundRobin weighs each server by qps / utilization, which is its "
            + "capacity, and from about 30 s on every server is equally busy (TargetsTest: "
            + "within 1% from 40 s); but with gRPC's 10 s blackout the client is round robin "
            + "for its first 10 s, the small servers' queues fill meanwhile and take until "
            + "about 30 s to drain, which is where its failures come from (with health "
            + "tracking, the overload turns into ejections that move it onto the big servers). "
            + "orcaNoBlackout uses reports at once and loses nothing. Load-aware strategies "
            + "balance from in-flight counts and latency without any report and keep the p99 "
            + "lower still: they also steer around queues, while equal utilization still "
            + "queues more on 4 slots than on 16.")
        .workload(Workload.openLoop(2100)).durationSeconds(60);
    for (int i = 0; i < UNEQUAL_CAPACITIES.length; i++) {
      b.server(ServerSpec.of("s" + (i + 1), ServiceTime.lognormal(20))
          .withCapacity(UNEQUAL_CAPACITIES[i]));
    }
    return b.build();
  }

  /** The specs, each restarting cold: {@code factor} x slower, easing off over {@code millis}. */
  private static List<ServerSpec> cold(List<ServerSpec> specs, double factor, long millis) {
    List<ServerSpec> out = new ArrayList<>();
    specs.forEach(spec -> out.add(spec.withWarmup(factor, millis)));
    return out;
  }
}
