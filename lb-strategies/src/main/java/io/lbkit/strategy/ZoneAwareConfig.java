package io.lbkit.strategy;

import io.lbkit.internal.Checks;
import io.lbkit.internal.Overprovisioning;

/**
 * Settings of {@link Strategies#zoneAware(ZoneAwareConfig, io.lbkit.Strategy)}: immutable,
 * validated when built.
 *
 * <p>The local zone's share of the calls, recomputed on every rebuild, is Envoy's priority load
 * over two groups, the local zone first and the other zones together second (the rule priority
 * tiers use, {@code Overprovisioning}):
 *
 * <ul>
 *   <li>each group's health is {@code min(1, overprovisioningFactor x available / members)}:
 *       members being its weighted servers in the pool, available those of them that are
 *       candidates now, a server ramping up after slow start counted by its ramp factor (one at
 *       30% of its share is 0.3 of a server). With Envoy's default factor 1.4 the local zone keeps
 *       all its calls while at least 1 / 1.4 = 71.4% of it is available (5 of 7, 8 of 11, 72 of
 *       100); with 4 of 7 it keeps 80% and the other zones take 20%.
 *   <li>the local zone takes its health; when the two healths add up to less than 1 (both zones
 *       short, as while a scaled-out fleet warms up), each takes its health over their sum.
 *   <li>fewer than {@code minLocalServers} (default 1) local candidates: every zone is used, by
 *       the delegate over all candidates, as Spring's zone preference falls back to all instances.
 * </ul>
 *
 * <p>Two load checks come on top, both measured by the tracker: the overflow check (on by
 * default, {@link Builder#overflow}) sends a call away at pick time when the local zone queues
 * far more calls than the other zones, and spillover ({@link Builder#spillover}, off by default)
 * moves part of the local share away step by step while the local zone measures slower or failing
 * more than the others, and back as it recovers.
 */
public final class ZoneAwareConfig {
  /** Envoy's overprovisioning factor, the one priority tiers use too. */
  public static final double DEFAULT_OVERPROVISIONING_FACTOR = Overprovisioning.DEFAULT_FACTOR;
  /** Local servers that must be available to stay local, by default. */
  public static final int DEFAULT_MIN_LOCAL_SERVERS = 1;
  /** In-flight calls on a local candidate before the overflow check may spill, by default. */
  public static final int DEFAULT_OVERFLOW_MIN = 8;
  /** How much busier than an other-zone candidate a local one must be to spill, by default. */
  public static final double DEFAULT_OVERFLOW_RATIO = 2.0;

  private final String localZone;
  private final Overprovisioning overprovisioning;
  private final int minLocalServers;
  private final int overflowMin;
  private final double overflowRatio;
  private final ZoneSpillover spillover;

  private ZoneAwareConfig(Builder b) {
    this.spillover = b.spillover;
    this.localZone = b.localZone;
    this.overprovisioning = b.overprovisioning;
    this.minLocalServers = b.minLocalServers;
    this.overflowMin = b.overflowMin;
    this.overflowRatio = b.overflowRatio;
  }

  /**
   * The defaults for this zone: factor {@value #DEFAULT_OVERPROVISIONING_FACTOR}, at least
   * {@value #DEFAULT_MIN_LOCAL_SERVERS} local server.
   *
   * @param localZone this client's zone
   * @return the settings
   * @throws NullPointerException if {@code localZone} is null
   * @throws IllegalArgumentException if {@code localZone} is blank
   */
  public static ZoneAwareConfig of(String localZone) {
    return builder(localZone).build();
  }

  /**
   * A builder for this zone, starting from the defaults.
   *
   * @param localZone this client's zone, compared with {@link io.lbkit.Server#zone()}
   * @return a new builder
   * @throws NullPointerException if {@code localZone} is null
   * @throws IllegalArgumentException if {@code localZone} is blank
   */
  public static Builder builder(String localZone) {
    return new Builder(localZone);
  }

  /** {@return the zone preferred} */
  public String localZone() {
    return localZone;
  }

  /** {@return the overprovisioning factor, {@code >= 1}} */
  public double overprovisioningFactor() {
    return overprovisioning.factor();
  }

  /** {@return how many local servers must be available to stay local, {@code >= 1}} */
  public int minLocalServers() {
    return minLocalServers;
  }

  /**
   * How many in-flight calls a local candidate must have before the overflow check may send a
   * call to the other zones; 0 when the check is off.
   *
   * @return the minimum, {@code >= 0}
   */
  public int overflowMin() {
    return overflowMin;
  }

  /** {@return how much busier than an other-zone candidate a local one must be to overflow} */
  public double overflowRatio() {
    return overflowRatio;
  }

  /** {@return the measured spillover, or null when off (the default)} */
  public ZoneSpillover spillover() {
    return spillover;
  }

  /**
   * The local zone's share of the calls by Envoy's priority load over two groups, the local zone
   * then the other zones, each with health {@code min(1, factor x available / members)} (the rule
   * tiers use), ramping servers counted by their ramp factor.
   */
  double localShare(double available, int members, double othersAvailable, int others) {
    double local = overprovisioning.health(Math.min(available, members), members);
    double rest = overprovisioning.health(Math.min(othersAvailable, others), others);
    return Overprovisioning.priorityLoad(new double[] {local, rest})[0];
  }

  @Override
  public String toString() {
    return "ZoneAwareConfig{localZone=" + localZone + ", overprovisioningFactor="
        + overprovisioning.factor() + ", minLocalServers=" + minLocalServers
        + (overflowMin == 0 ? ", noOverflow" : ", overflow=" + overflowMin + "/" + overflowRatio)
        + (spillover == null ? "" : ", " + spillover) + '}';
  }

  /** Builds a {@link ZoneAwareConfig}; each setter validates at once. */
  public static final class Builder {
    private final String localZone;
    private Overprovisioning overprovisioning = Overprovisioning.DEFAULT;
    private int minLocalServers = DEFAULT_MIN_LOCAL_SERVERS;
    private int overflowMin = DEFAULT_OVERFLOW_MIN;
    private double overflowRatio = DEFAULT_OVERFLOW_RATIO;
    private ZoneSpillover spillover;

    private Builder(String localZone) {
      this.localZone = Checks.notBlank(localZone, "localZone");
    }

    /**
     * Sets the overprovisioning factor (default {@value #DEFAULT_OVERPROVISIONING_FACTOR}).
     *
     * @param factor {@code >= 1} and finite; 1 stays local only while every local server is
     *     available
     * @return this builder
     * @throws IllegalArgumentException if {@code factor} is below 1, infinite or NaN
     */
    public Builder overprovisioningFactor(double factor) {
      this.overprovisioning = Overprovisioning.of(factor);
      return this;
    }

    /**
     * Sets how many local servers must be available to stay local (default 1).
     *
     * @param min {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code min} is below 1
     */
    public Builder minLocalServers(int min) {
      Checks.argument(min >= 1, "minLocalServers", min, ">= 1");
      this.minLocalServers = min;
      return this;
    }

    /**
     * Sets the overflow check (defaults {@value #DEFAULT_OVERFLOW_MIN} and {@value
     * #DEFAULT_OVERFLOW_RATIO}): a call drawn for the local zone goes to the other zones when a
     * local candidate drawn at random has at least {@code min} calls in flight and more than
     * {@code ratio x (in-flight + 1)} of an other-zone candidate drawn at random.
     *
     * @param min {@code >= 1}
     * @param ratio {@code >= 1} and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code min} or {@code ratio} is out of range
     */
    public Builder overflow(int min, double ratio) {
      Checks.argument(min >= 1, "overflowMin", min, ">= 1");
      Checks.argument(ratio >= 1.0 && Double.isFinite(ratio), "overflowRatio", ratio,
          ">= 1 and finite");
      this.overflowMin = min;
      this.overflowRatio = ratio;
      return this;
    }

    /**
     * Turns the overflow check off: the local zone keeps its share however busy it gets, as
     * Envoy's zone routing and Spring's zone preference do.
     *
     * @return this builder
     */
    public Builder noOverflow() {
      this.overflowMin = 0;
      return this;
    }

    /**
     * Turns on spillover driven by measured latency and errors (off by default): the local
     * zone's share shrinks step by step while it measures slower or failing more than the other
     * zones, and grows back as it recovers; see {@link ZoneSpillover} for the rule.
     *
     * @param spillover the settings, with the scheduler the evaluations run on
     * @return this builder
     * @throws NullPointerException if {@code spillover} is null
     */
    public Builder spillover(ZoneSpillover spillover) {
      this.spillover = Checks.notNull(spillover, "spillover");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public ZoneAwareConfig build() {
      return new ZoneAwareConfig(this);
    }
  }
}
