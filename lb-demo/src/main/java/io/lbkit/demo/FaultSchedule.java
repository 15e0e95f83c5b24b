package io.lbkit.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When each fault starts and ends, as fractions of the run so that a short CI run sees the same
 * story as a long one: server 2 slows down 10×, server 3 is killed (port closed), server 4 answers
 * 503 half the time; then each recovers.
 */
final class FaultSchedule {

  /** One change to the cluster at a point of the run. */
  record Step(double atFraction, String description, Action action) {}

  @FunctionalInterface
  interface Action {
    void apply(InventoryCluster cluster) throws Exception;
  }

  private final List<Step> steps;

  private FaultSchedule(List<Step> steps) {
    this.steps = steps;
  }

  static FaultSchedule none() {
    return new FaultSchedule(List.of());
  }

  static FaultSchedule standard() {
    List<Step> s = new ArrayList<>();
    s.add(new Step(0.15, "inv-2 slows down 10x", c -> c.byName("inv-2").slowDown(10)));
    s.add(new Step(0.25, "inv-3 killed (port closed)", c -> c.byName("inv-3").stop()));
    s.add(new Step(0.35, "inv-4 answers 503 half the time", c -> c.byName("inv-4").failRate(0.5)));
    s.add(new Step(0.55, "inv-2 back to normal speed", c -> c.byName("inv-2").heal()));
    s.add(new Step(0.60, "inv-3 restarted", c -> c.byName("inv-3").start()));
    s.add(new Step(0.65, "inv-4 healthy again", c -> c.byName("inv-4").heal()));
    return new FaultSchedule(s);
  }

  static FaultSchedule named(String name) {
    return "none".equals(name) ? none() : standard();
  }

  List<Step> steps() {
    return steps;
  }

  /** The offset of a step from the start of a run of {@code total}. */
  static Duration offset(Step step, Duration total) {
    return Duration.ofNanos((long) (total.toNanos() * step.atFraction()));
  }
}
