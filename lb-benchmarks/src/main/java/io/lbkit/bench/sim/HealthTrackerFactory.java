package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthMonitor;

/**
 * lbkit's {@link HealthMonitor} as a simulator tracker: on the run's virtual ticker (so it starts
 * no real-time scheduler) with the run's seeded randomness, and its clock-driven work (interval
 * evaluation, ejection ends, half-open breakers, slow-start steps) run by a {@link
 * HealthMonitor#tick()} every {@link #TICK_NANOS} of virtual time, as a production scheduler
 * would. The monitor also ticks itself from outcome reports when something is due, so the period
 * matters only while no traffic flows.
 */
final class HealthTrackerFactory implements TrackerFactory {
  /** 100 ms: a tenth of the shortest timer the default config uses (the 1 s slow-start step). */
  static final long TICK_NANOS = 100_000_000L;

  private final HealthConfig config;

  HealthTrackerFactory(HealthConfig config) {
    this.config = config;
  }

  @Override
  public HealthTracker create(ServerPool pool, Ticker ticker, RandomSource random) {
    return HealthMonitor.builder(pool).config(config).ticker(ticker).random(random).build();
  }

  @Override
  public long periodNanos() {
    return TICK_NANOS;
  }

  @Override
  public void tick(HealthTracker tracker) {
    ((HealthMonitor) tracker).tick();
  }
}
