package io.lbkit.strategy;

import io.lbkit.internal.Checks;
import io.lbkit.internal.Overprovisioning;

/**
 * Settings of {@link Strategies#zoneAware(ZoneAwareConfig, io.lbkit.Strategy)}: immutable,
 * validated when built.
 *
 * <p>The local zone counts as having enough servers while both hold:
 *
 * <ul>
 *   <li>{@code available x overprovisioningFactor >= members}: members being the local zone's
 *       weighted servers in the pool, available those of them that are candidates now. With
 *       Envoy's default factor 1.4 the local zone is used while at least 1 / 1.4 = 71.4% of its
 *       members are available (5 of 7, 8 of 11, 72 of 100).
 *   <li>{@code available >= minLocalServers} (default 1).
 * </ul>
 *
 * <p>Otherwise calls spill over to every zone, as Spring's zone preference falls back to all
 * instances. A factor of 1 keeps the local zone only while all its members are available.
 */
public final class ZoneAwareConfig {
  /** Envoy's overprovisioning factor, the one priority tiers use too. */
  public static final double DEFAULT_OVERPROVISIONING_FACTOR = Overprovisioning.DEFAULT_FACTOR;
  /** Local servers that must be available to stay local, by default. */
  public static final int DEFAULT_MIN_LOCAL_SERVERS = 1;

  private final String localZone;
  private final Overprovisioning overprovisioning;
  private final int minLocalServers;

  private ZoneAwareConfig(Builder b) {
    this.localZone = b.localZone;
    this.overprovisioning = b.overprovisioning;
    this.minLocalServers = b.minLocalServers;
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

  /** Whether {@code available} of {@code members} local servers are enough to stay local. */
  boolean enough(int available, int members) {
    return available >= minLocalServers && overprovisioning.enough(available, members);
  }

  @Override
  public String toString() {
    return "ZoneAwareConfig{localZone=" + localZone + ", overprovisioningFactor="
        + overprovisioning.factor() + ", minLocalServers=" + minLocalServers + '}';
  }

  /** Builds a {@link ZoneAwareConfig}; each setter validates at once. */
  public static final class Builder {
    private final String localZone;
    private Overprovisioning overprovisioning = Overprovisioning.DEFAULT;
    private int minLocalServers = DEFAULT_MIN_LOCAL_SERVERS;

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
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public ZoneAwareConfig build() {
      return new ZoneAwareConfig(this);
    }
  }
}
