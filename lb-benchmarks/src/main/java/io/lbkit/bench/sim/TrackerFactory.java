package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;

/**
 * Builds the health tracker of one run, on the run's virtual ticker and seeded randomness.
 *
 * <p>A tracker with periodic work (an outlier-detection sweep, active checks) must not use a real
 * scheduler in the simulator: it declares {@link #periodNanos()} and the simulator calls {@link
 * #tick} every period of virtual time instead.
 */
@FunctionalInterface
public interface TrackerFactory {

  HealthTracker create(ServerPool pool, Ticker ticker, RandomSource random);

  /** How often {@link #tick} runs in virtual time; 0 = never. */
  default long periodNanos() {
    return 0;
  }

  /** The periodic work of {@code tracker}, run at virtual now. */
  default void tick(HealthTracker tracker) {}
}
