package io.lbkit.health;

import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;

/**
 * PLACEHOLDER written by the foundation so that the failover work can compile against the health
 * API; the health issue replaces the body. Contract the facade relies on: a {@link LoadTracker}
 * that ejects, restores, ramps and runs checks per {@link HealthConfig}; {@link #close()} stops
 * its background work.
 */
public class HealthMonitor extends LoadTracker implements AutoCloseable {

  protected HealthMonitor(Ticker ticker) {
    super(ticker, LoadTracker.DEFAULT_EWMA_DECAY);
  }

  public static HealthMonitor create(ServerPool pool, HealthConfig config, Ticker ticker,
      RandomSource random) {
    return new HealthMonitor(ticker);
  }

  @Override
  public void close() {}
}
