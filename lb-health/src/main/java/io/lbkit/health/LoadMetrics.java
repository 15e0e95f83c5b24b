package io.lbkit.health;

import io.lbkit.LoadTracker;
import io.lbkit.PoolSnapshot;
import io.lbkit.Ticker;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The load half of a {@link HealthMonitor}: the core {@link LoadTracker}'s per-server {@link
 * ServerMetrics} (in-flight, totals, peak EWMA) and its change listeners, composed by the monitor
 * rather than inherited. The monitor decides when departed servers' metrics go (once nothing is
 * in flight on them), so this tracker's own release on every snapshot is off.
 */
final class LoadMetrics extends LoadTracker {
  LoadMetrics(Ticker ticker, Duration ewmaDecay) {
    super(ticker, ewmaDecay);
  }

  /** The metrics held for {@code serverId}, or null; never creates. */
  ServerMetrics ifPresent(String serverId) {
    return metricsIfPresent(serverId);
  }

  void dropIf(Predicate<ServerMetrics> drop) {
    dropMetricsIf(drop);
  }

  /** Drops the metrics of {@code serverId} unless a call is in flight; true when none are left. */
  boolean dropIfIdle(String serverId) {
    return dropMetricsIfIdle(serverId);
  }

  /** Tells every change listener (the selectors) that the candidates would now differ. */
  void changed() {
    fireChange();
  }

  @Override
  protected void retain(PoolSnapshot pool) {
    // The monitor's Membership releases metrics, once their server has left and is idle.
  }
}
