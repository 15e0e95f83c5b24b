package io.lbkit.health;

/**
 * Slow start: a server that joins or recovers ramps its share up over a window, for every
 * strategy (weighted ones multiply the factor into the weight; unweighted ones accept a pick with
 * that probability, see {@code Candidates.ramp}).
 *
 * <pre>
 * factor(t) = max(min, (t / window)^(1 / aggression))   for 0 <= t < window; 1 afterwards
 * </pre>
 * (Envoy's formula; aggression 1 is linear, larger values ramp faster early.) The pickers are
 * rebuilt every {@link #stepNanos()} (window / 30) while anything ramps, so the published factor
 * lags the curve by at most one step.
 */
final class SlowStart {
  static final int STEPS = 30;

  private final long windowNanos;
  private final double aggression;
  private final double min;
  private final long stepNanos;

  SlowStart(HealthConfig config) {
    this.windowNanos = config.slowStartWindow.toNanos();
    this.aggression = config.slowStartAggression;
    this.min = config.slowStartMinWeightPercent / 100.0;
    this.stepNanos = Math.max(1L, windowNanos / STEPS);
  }

  /** Starts ramping {@code h} from {@code at}; nothing when slow start is off. Under lock. */
  void begin(ServerHealth h, long at) {
    if (windowNanos == 0) {
      return;
    }
    h.rampStart = at;
    h.ramping = true;
  }

  boolean isRamping(ServerHealth h, long now) {
    return h.ramping && now - h.rampStart < windowNanos;
  }

  /** The factor in (0, 1] of {@code h} at {@code now}. */
  double factor(ServerHealth h, long now) {
    if (!h.ramping) {
      return 1.0;
    }
    return OutlierMath.ramp(now - h.rampStart, windowNanos, aggression, min);
  }

  long stepNanos() {
    return stepNanos;
  }
}
