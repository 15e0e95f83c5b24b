package io.lbkit.bench.sim;

import io.lbkit.Scheduler;
import io.lbkit.Strategy;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A catalog strategy that needs the run's {@link Scheduler} (zone spillover's periodic
 * evaluations): {@link Variant#newStrategy} hands it the run's virtual scheduler. As a plain
 * {@link Supplier} it refuses, since a real-time scheduler has no place in a virtual-time run.
 */
final class ScheduledStrategy implements Supplier<Strategy> {
  private final String name;
  private final Function<Scheduler, Strategy> factory;

  ScheduledStrategy(String name, Function<Scheduler, Strategy> factory) {
    this.name = name;
    this.factory = factory;
  }

  Strategy create(Scheduler scheduler) {
    return factory.apply(scheduler);
  }

  @Override
  public Strategy get() {
    throw new IllegalStateException("strategy " + name + ": needs the run's scheduler (expected: "
        + "Variant.newStrategy(scheduler))");
  }
}
