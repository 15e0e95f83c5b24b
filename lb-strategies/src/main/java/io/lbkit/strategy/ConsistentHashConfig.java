package io.lbkit.strategy;

import io.lbkit.internal.Checks;

/**
 * Settings of {@link Strategies#consistentHash(ConsistentHashConfig)}: immutable, validated when
 * built.
 *
 * <ul>
 *   <li>{@code vnodesPerWeight}: ring points per unit of weight (default 160, as nginx's ketama).
 *       More points spread keys more evenly and cost memory and rebuild time. Measured max/mean
 *       key share for 10 equal servers over 100,000 keys (pinned by {@code
 *       ConsistentHashStrategyTest}): see {@link #DEFAULT_VNODES_PER_WEIGHT}.
 *   <li>{@code boundedLoad}: the factor c of consistent hashing with bounded loads (Mirrokni,
 *       Thorup, Zadimoghaddam 2016): no server is chosen while it has {@code ceil(c x mean)}
 *       calls in flight or more. 0 (the default) turns it off; otherwise {@code > 1}. HAProxy's
 *       {@code hash-balance-factor} suggests 1.25 to 2.
 * </ul>
 */
public final class ConsistentHashConfig {
  /**
   * Ring points per unit of weight: 160. Measured max/mean key share for 10 equal servers over
   * 100,000 keys (one fixed key sample; the expected deviation of a share is about
   * 1/sqrt(points)): 40 points 1.302, 100 points 1.129, 160 points 1.073, 320 points 1.075.
   */
  public static final int DEFAULT_VNODES_PER_WEIGHT = 160;

  /** The largest {@code vnodesPerWeight} accepted. */
  public static final int MAX_VNODES_PER_WEIGHT = 1 << 16;

  /**
   * The ring holds at most this many points (plus one per server): beyond it every server's count
   * is scaled down in proportion, so huge weights cost neither memory nor rebuild time.
   */
  public static final int MAX_RING_POINTS = 1 << 20;

  private static final ConsistentHashConfig DEFAULTS = builder().build();

  private final int vnodesPerWeight;
  private final double boundedLoad;

  private ConsistentHashConfig(Builder b) {
    this.vnodesPerWeight = b.vnodesPerWeight;
    this.boundedLoad = b.boundedLoad;
  }

  /** {@return the defaults: 160 points per unit of weight, bounded loads off} */
  public static ConsistentHashConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the ring points per unit of weight} */
  public int vnodesPerWeight() {
    return vnodesPerWeight;
  }

  /** {@return the bounded-load factor c, or 0 when bounded loads are off} */
  public double boundedLoad() {
    return boundedLoad;
  }

  /** {@return true when bounded loads are on} */
  public boolean isBounded() {
    return boundedLoad > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistentHashConfig
        && ((ConsistentHashConfig) o).vnodesPerWeight == vnodesPerWeight
        && Double.compare(((ConsistentHashConfig) o).boundedLoad, boundedLoad) == 0;
  }

  @Override
  public int hashCode() {
    return vnodesPerWeight * 31 + Double.hashCode(boundedLoad);
  }

  @Override
  public String toString() {
    return "ConsistentHashConfig{vnodesPerWeight=" + vnodesPerWeight
        + (isBounded() ? ", boundedLoad=" + boundedLoad : "") + '}';
  }

  /** Builds a {@link ConsistentHashConfig}; each setter validates at once. */
  public static final class Builder {
    private int vnodesPerWeight = DEFAULT_VNODES_PER_WEIGHT;
    private double boundedLoad;

    private Builder() {}

    /**
     * Sets the ring points per unit of weight (default {@value #DEFAULT_VNODES_PER_WEIGHT}).
     *
     * @param vnodesPerWeight 1 to {@value #MAX_VNODES_PER_WEIGHT}
     * @return this builder
     * @throws IllegalArgumentException if {@code vnodesPerWeight} is out of range
     */
    public Builder vnodesPerWeight(int vnodesPerWeight) {
      Checks.argument(vnodesPerWeight > 0 && vnodesPerWeight <= MAX_VNODES_PER_WEIGHT,
          "vnodesPerWeight", vnodesPerWeight, "1.." + MAX_VNODES_PER_WEIGHT);
      this.vnodesPerWeight = vnodesPerWeight;
      return this;
    }

    /**
     * Turns bounded loads on: a server is taken only while its in-flight count is below {@code
     * ceil(c x (total + 1) / n)} over the n candidates, else the key goes clockwise to the next
     * owner under that bound.
     *
     * @param c the factor, {@code > 1} and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code c} is not above 1 or not finite
     */
    public Builder boundedLoad(double c) {
      Checks.argument(c > 1.0 && Double.isFinite(c), "boundedLoad", c, "> 1 and finite");
      this.boundedLoad = c;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public ConsistentHashConfig build() {
      return new ConsistentHashConfig(this);
    }
  }
}
