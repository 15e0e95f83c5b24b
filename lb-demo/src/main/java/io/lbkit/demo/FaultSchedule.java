package io.lbkit.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When each fault starts and ends, as fractions of the run so that a short CI run sees the same
 * story as a long one: server 2 slows down 10×, server 3 is killed (port closed), server 4 answers
 * 503 half the time; then each recovers. With the registry, a sixth server joins, the first leaves
 * (deregisters, then stops once drained), and ZooKeeper itself goes down for a while.
 */
final class FaultSchedule {

  /** One change to the cluster at a point of the run. */
  record Step(double atFraction, String description, Action action) {}

  @FunctionalInterface
  interface Action {
    void apply(Rig rig) throws Exception;
  }

  private final List<Step> steps;

  private FaultSchedule(List<Step> steps) {
    this.steps = steps;
  }

  static FaultSchedule none() {
    return new FaultSchedule(List.of());
  }

  static FaultSchedule standard() {
    return new FaultSchedule(serverFaults());
  }

  /** The server faults, then the registry's story: a join, a graceful leave, an outage. */
  static FaultSchedule withRegistry(int servers) {
    List<Step> s = serverFaults();
    s.add(new Step(0.40, "inv-" + (servers + 1) + " starts and registers in ZooKeeper", r -> {
      InventoryServer joined = r.cluster.addServer(r.latencyMicros, servers + 1);
      r.registry.register(joined);
    }));
    // a graceful shutdown: deregister, wait out the source's removal grace and the drain, stop
    s.add(new Step(0.62, "inv-1 deregisters from ZooKeeper (a graceful shutdown)",
        r -> r.registry.deregister("inv-1")));
    s.add(new Step(0.76, "inv-1 stops once its drain is over", r -> {
      if (r.pool.servers().stream().anyMatch(x -> DemoNames.of(x).equals("inv-1"))) {
        // a run this short has not waited out the grace and the removal delay
        throw new IllegalStateException("inv-1 is still in the pool, so it keeps running");
      }
      r.cluster.byName("inv-1").stop();
    }));
    s.add(new Step(0.80, "ZooKeeper stopped", r -> r.registry.stopZooKeeper()));
    s.add(new Step(0.90, "ZooKeeper restarted", r -> r.registry.startZooKeeper()));
    s.sort((a, b) -> Double.compare(a.atFraction(), b.atFraction()));
    return new FaultSchedule(s);
  }

  private static List<Step> serverFaults() {
    List<Step> s = new ArrayList<>();
    s.add(new Step(0.15, "inv-2 slows down 10x", r -> r.cluster.byName("inv-2").slowDown(10)));
    s.add(new Step(0.25, "inv-3 killed (port closed)", r -> r.cluster.byName("inv-3").stop()));
    s.add(new Step(0.35, "inv-4 answers 503 half the time",
        r -> r.cluster.byName("inv-4").failRate(0.5)));
    s.add(new Step(0.55, "inv-2 back to normal speed", r -> r.cluster.byName("inv-2").heal()));
    s.add(new Step(0.60, "inv-3 restarted", r -> r.cluster.byName("inv-3").start()));
    s.add(new Step(0.65, "inv-4 healthy again", r -> r.cluster.byName("inv-4").heal()));
    return s;
  }

  /**
   * The faults {@code name} picks: "none", or the server faults, with the registry's steps when
   * the {@code servers} are discovered through it.
   */
  static FaultSchedule named(String name, boolean registry, int servers) {
    if ("none".equals(name)) {
      return none();
    }
    return registry ? withRegistry(servers) : standard();
  }

  List<Step> steps() {
    return steps;
  }

  /** The offset of a step from the start of a run of {@code total}. */
  static Duration offset(Step step, Duration total) {
    return Duration.ofNanos((long) (total.toNanos() * step.atFraction()));
  }
}
