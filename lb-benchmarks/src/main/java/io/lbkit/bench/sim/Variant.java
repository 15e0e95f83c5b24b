package io.lbkit.bench.sim;

import io.lbkit.Scheduler;
import io.lbkit.Strategy;
import java.util.function.Supplier;

/**
 * One row of a scenario's table: a strategy, a tracker and a client policy, each named.
 *
 * @param strategyName the row's strategy label, e.g. {@code roundRobin}
 * @param strategy builds a fresh strategy for each run
 * @param trackerName e.g. {@code load} (no ejection) or {@code health}
 * @param tracker builds the run's tracker
 * @param policy the client's failover policy
 */
public record Variant(String strategyName, Supplier<Strategy> strategy, String trackerName,
    TrackerFactory tracker, ClientPolicy policy) {

  /** A fresh strategy for one run; one that schedules work gets the run's {@code scheduler}. */
  public Strategy newStrategy(Scheduler scheduler) {
    return strategy instanceof ScheduledStrategy s ? s.create(scheduler) : strategy.get();
  }

  public String label() {
    return strategyName + " / " + trackerName + " / " + policy.name();
  }

  /** Short label for charts: tracker shown only when not the plain load tracker. */
  public String shortLabel() {
    return strategyName + ("load".equals(trackerName) ? "" : "+" + trackerName) + " "
        + policy.name();
  }
}
