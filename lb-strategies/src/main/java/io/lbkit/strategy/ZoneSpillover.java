package io.lbkit.strategy;

import io.lbkit.Scheduler;
import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * Settings of zone spillover driven by measured latency and errors ({@link
 * ZoneAwareConfig.Builder#spillover}): immutable, validated when built.
 *
 * <p>Every {@link #period()} the zone preference compares the local zone with the other zones, from
 * what the tracker counts ({@link io.lbkit.spi.ServerLoad#requests}, {@code failures}, {@code
 * latencySumNanos}): each side's mean latency and error rate over the calls that ended since its
 * last measurement (a side keeps accumulating until at least {@link #minCalls()} calls ended, so
 * a lightly used side is measured over a longer window), and moves a spill fraction, the part of
 * the local zone's share sent to the other zones instead:
 *
 * <pre>
 * degraded:  local latency > {@link #latencyRatio()} x others' latency
 *            or local error rate > others' error rate + {@link #errorMargin()}
 * recovered: local latency at most {@link #recoveryRatio()} x others' latency
 *            and local error rate at most others' error rate + errorMargin / 2
 * each period: degraded: spill + {@link #step()} (at most {@link #maxSpill()});
 *              recovered: spill - step (at least 0); in between: spill kept (hysteresis)
 * </pre>
 *
 * A side not measured yet is not compared on latency; the other zones' error rate counts as 0
 * until they are measured. A load view that counts nothing (requests always 0) is never measured,
 * so it never spills. {@link #probeShare()} of the calls always go to the other
 * zones so that their latency stays known (0 turns probing off). {@code maxSpill} below 1 keeps
 * some traffic local, so its recovery is seen.
 *
 * <p>Timing: spillover starts no thread. The strategy schedules its evaluations on the given
 * {@link Scheduler} (a real one, or a virtual one in tests and the simulator) while at least one
 * selector uses it, and asks the selectors to rebuild ({@link
 * io.lbkit.Strategy#addChangeListener}):
 * the spill is computed on the write path, so the pick stays a draw against a precomputed share.
 * Each selector keeps its own spill, measured from its own calls (carried from picker to picker),
 * so one strategy instance may serve several selectors, several services even.
 */
public final class ZoneSpillover {
  /** Evaluations every second, by default. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);
  /** Spill starts above 1.5x the other zones' latency, by default. */
  public static final double DEFAULT_LATENCY_RATIO = 1.5;
  /** Spill returns at or below 1.2x the other zones' latency, by default. */
  public static final double DEFAULT_RECOVERY_RATIO = 1.2;
  /** Spill starts 5 percentage points of errors above the other zones, by default. */
  public static final double DEFAULT_ERROR_MARGIN = 0.05;
  /** Each evaluation moves the spill by a tenth, by default. */
  public static final double DEFAULT_STEP = 0.1;
  /** At most 90% of the local share spills, by default. */
  public static final double DEFAULT_MAX_SPILL = 0.9;
  /** 1% of the calls probe the other zones, by default. */
  public static final double DEFAULT_PROBE_SHARE = 0.01;
  /** Calls a side must have ended since its last measurement to be measured again, by default. */
  public static final int DEFAULT_MIN_CALLS = 20;

  private final Scheduler scheduler;
  private final long periodNanos;
  private final double latencyRatio;
  private final double recoveryRatio;
  private final double errorMargin;
  private final double step;
  private final double maxSpill;
  private final double probeShare;
  private final int minCalls;

  private ZoneSpillover(Builder b) {
    this.scheduler = b.scheduler;
    this.periodNanos = b.period.toNanos();
    this.latencyRatio = b.latencyRatio;
    this.recoveryRatio = b.recoveryRatio;
    this.errorMargin = b.errorMargin;
    this.step = b.step;
    this.maxSpill = b.maxSpill;
    this.probeShare = b.probeShare;
    this.minCalls = b.minCalls;
  }

  /**
   * The defaults, evaluated on {@code scheduler}.
   *
   * @param scheduler runs the periodic evaluations; never shut down by lbkit
   * @return the settings
   * @throws NullPointerException if {@code scheduler} is null
   */
  public static ZoneSpillover of(Scheduler scheduler) {
    return builder(scheduler).build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @param scheduler runs the periodic evaluations; never shut down by lbkit
   * @return a new builder
   * @throws NullPointerException if {@code scheduler} is null
   */
  public static Builder builder(Scheduler scheduler) {
    return new Builder(scheduler);
  }

  /** {@return the scheduler the evaluations run on} */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** {@return how often the spill is evaluated} */
  public Duration period() {
    return Duration.ofNanos(periodNanos);
  }

  long periodNanos() {
    return periodNanos;
  }

  /** {@return the latency ratio above which the local zone counts as degraded} */
  public double latencyRatio() {
    return latencyRatio;
  }

  /** {@return the latency ratio at or below which the local zone counts as recovered} */
  public double recoveryRatio() {
    return recoveryRatio;
  }

  /** {@return the excess error rate above which the local zone counts as degraded} */
  public double errorMargin() {
    return errorMargin;
  }

  /** {@return how far one evaluation moves the spill} */
  public double step() {
    return step;
  }

  /** {@return the largest spill} */
  public double maxSpill() {
    return maxSpill;
  }

  /** {@return the share of all calls that always goes to the other zones} */
  public double probeShare() {
    return probeShare;
  }

  /** {@return how many calls a side must end since its last measurement to be measured again} */
  public int minCalls() {
    return minCalls;
  }

  @Override
  public String toString() {
    return "ZoneSpillover{period=" + period() + ", latencyRatio=" + latencyRatio
        + ", recoveryRatio=" + recoveryRatio + ", errorMargin=" + errorMargin + ", step=" + step
        + ", maxSpill=" + maxSpill + ", probeShare=" + probeShare + ", minCalls=" + minCalls
        + '}';
  }

  /** Builds a {@link ZoneSpillover}; each setter validates at once. */
  public static final class Builder {
    private final Scheduler scheduler;
    private Duration period = DEFAULT_PERIOD;
    private double latencyRatio = DEFAULT_LATENCY_RATIO;
    private double recoveryRatio = DEFAULT_RECOVERY_RATIO;
    private double errorMargin = DEFAULT_ERROR_MARGIN;
    private double step = DEFAULT_STEP;
    private double maxSpill = DEFAULT_MAX_SPILL;
    private double probeShare = DEFAULT_PROBE_SHARE;
    private int minCalls = DEFAULT_MIN_CALLS;

    private Builder(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
    }

    /**
     * Sets how often the spill is evaluated (default 1 s).
     *
     * @param period positive
     * @return this builder
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public Builder period(Duration period) {
      this.period = Checks.positive(period, "period");
      return this;
    }

    /**
     * Sets the hysteresis band on latency (defaults 1.5 and 1.2): the local zone is degraded above
     * {@code degradedAbove} x the other zones' latency and recovered at or below {@code
     * recoveredAtOrBelow} x it.
     *
     * @param degradedAbove {@code > 1} and finite
     * @param recoveredAtOrBelow {@code >= 1} and {@code < degradedAbove}
     * @return this builder
     * @throws IllegalArgumentException if a ratio is out of range
     */
    public Builder latencyRatios(double degradedAbove, double recoveredAtOrBelow) {
      Checks.argument(degradedAbove > 1.0 && Double.isFinite(degradedAbove), "latencyRatio",
          degradedAbove, "> 1 and finite");
      Checks.argument(recoveredAtOrBelow >= 1.0 && recoveredAtOrBelow < degradedAbove,
          "recoveryRatio", recoveredAtOrBelow, ">= 1 and < latencyRatio " + degradedAbove);
      this.latencyRatio = degradedAbove;
      this.recoveryRatio = recoveredAtOrBelow;
      return this;
    }

    /**
     * Sets the excess error rate above which the local zone is degraded (default 0.05); it counts
     * as recovered at or below half of it.
     *
     * @param margin in (0, 1)
     * @return this builder
     * @throws IllegalArgumentException if {@code margin} is out of range
     */
    public Builder errorMargin(double margin) {
      Checks.argument(margin > 0.0 && margin < 1.0, "errorMargin", margin, "in (0, 1)");
      this.errorMargin = margin;
      return this;
    }

    /**
     * Sets how far one evaluation moves the spill (default 0.1).
     *
     * @param step in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code step} is out of range
     */
    public Builder step(double step) {
      Checks.argument(step > 0.0 && step <= 1.0, "step", step, "in (0, 1]");
      this.step = step;
      return this;
    }

    /**
     * Sets the largest spill (default 0.9).
     *
     * @param max in (0, 1]; 1 may empty the local zone, whose recovery is then seen only as its
     *     latency decays
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is out of range
     */
    public Builder maxSpill(double max) {
      Checks.argument(max > 0.0 && max <= 1.0, "maxSpill", max, "in (0, 1]");
      this.maxSpill = max;
      return this;
    }

    /**
     * Sets the share of all calls that always goes to the other zones (default 0.01).
     *
     * @param share in [0, 0.5]; 0 turns probing off
     * @return this builder
     * @throws IllegalArgumentException if {@code share} is out of range
     */
    public Builder probeShare(double share) {
      Checks.argument(share >= 0.0 && share <= 0.5, "probeShare", share, "in [0, 0.5]");
      this.probeShare = share;
      return this;
    }

    /**
     * Sets how many calls a side must end since its last measurement to be measured again
     * (default 20): fewer, and its window grows to the next evaluation.
     *
     * @param min {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code min} is below 1
     */
    public Builder minCalls(int min) {
      Checks.argument(min >= 1, "minCalls", min, ">= 1");
      this.minCalls = min;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public ZoneSpillover build() {
      return new ZoneSpillover(this);
    }
  }
}
