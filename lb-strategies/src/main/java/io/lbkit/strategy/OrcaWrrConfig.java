package io.lbkit.strategy;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * Settings of {@link Strategies#orcaWeightedRoundRobin(OrcaWrrConfig)}: immutable, validated when
 * built. The defaults are gRPC's ({@code weighted_round_robin}, gRFC A58) and Envoy's ({@code
 * client_side_weighted_round_robin}):
 *
 * <ul>
 *   <li>{@code blackoutPeriod} 10 s: a server's reports are not used until this long after its
 *       first one (of a run of reports not broken by an expiry), since a server that has just
 *       started reports noisy figures; until then it gets the mean weight. 0 turns it off.
 *   <li>{@code weightExpirationPeriod} 3 min: a report older than this is no longer used (the
 *       server gets the mean weight), and the next one starts a new blackout.
 *   <li>{@code weightUpdatePeriod} 1 s: how often weights are computed again, at least 100 ms
 *       (gRPC's floor). There is no timer: the first report after the period (or any rebuild)
 *       computes them, so an expiry or a blackout's end while no server reports at all is seen
 *       at the next report or rebuild.
 *   <li>{@code errorUtilizationPenalty} 1.0: weight = qps / (utilization + penalty x eps / qps),
 *       so errors count as load; 0 ignores errors.
 * </ul>
 */
public final class OrcaWrrConfig {
  /** gRPC's and Envoy's blackout period. */
  public static final Duration DEFAULT_BLACKOUT_PERIOD = Duration.ofSeconds(10);
  /** gRPC's and Envoy's weight expiration period. */
  public static final Duration DEFAULT_WEIGHT_EXPIRATION_PERIOD = Duration.ofMinutes(3);
  /** gRPC's and Envoy's weight update period. */
  public static final Duration DEFAULT_WEIGHT_UPDATE_PERIOD = Duration.ofSeconds(1);
  /** The shortest weight update period, as gRPC clamps it. */
  public static final Duration MIN_WEIGHT_UPDATE_PERIOD = Duration.ofMillis(100);
  /** gRPC's and Envoy's error utilization penalty. */
  public static final double DEFAULT_ERROR_UTILIZATION_PENALTY = 1.0;

  private static final OrcaWrrConfig DEFAULTS = builder().build();

  final long blackoutNanos;
  final long expirationNanos;
  final long updateNanos;
  final double errorPenalty;

  private OrcaWrrConfig(Builder b) {
    this.blackoutNanos = b.blackout.toNanos();
    this.expirationNanos = b.expiration.toNanos();
    this.updateNanos = b.update.toNanos();
    this.errorPenalty = b.errorPenalty;
  }

  /** {@return the defaults: 10 s blackout, 3 min expiry, 1 s updates, penalty 1.0} */
  public static OrcaWrrConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return how long after a server's first report its reports start to count} */
  public Duration blackoutPeriod() {
    return Duration.ofNanos(blackoutNanos);
  }

  /** {@return how old a report may be and still count} */
  public Duration weightExpirationPeriod() {
    return Duration.ofNanos(expirationNanos);
  }

  /** {@return how often weights are computed again} */
  public Duration weightUpdatePeriod() {
    return Duration.ofNanos(updateNanos);
  }

  /** {@return the factor on eps / qps added to the utilization} */
  public double errorUtilizationPenalty() {
    return errorPenalty;
  }

  @Override
  public String toString() {
    return "OrcaWrrConfig{blackout=" + blackoutPeriod() + ", expiration="
        + weightExpirationPeriod() + ", update=" + weightUpdatePeriod() + ", errorPenalty="
        + errorPenalty + '}';
  }

  /** Builds an {@link OrcaWrrConfig}; each setting checked as it is set. */
  public static final class Builder {
    private Duration blackout = DEFAULT_BLACKOUT_PERIOD;
    private Duration expiration = DEFAULT_WEIGHT_EXPIRATION_PERIOD;
    private Duration update = DEFAULT_WEIGHT_UPDATE_PERIOD;
    private double errorPenalty = DEFAULT_ERROR_UTILIZATION_PENALTY;

    private Builder() {}

    /**
     * @param period how long after its first report a server's reports start to count, {@code
     *     >= 0} (0: at once)
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if it is negative or above 365 days
     */
    public Builder blackoutPeriod(Duration period) {
      this.blackout = Checks.nonNegative(period, "blackoutPeriod");
      return this;
    }

    /**
     * @param period how old a report may be and still count, {@code > 0}
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if it is not positive or above 365 days
     */
    public Builder weightExpirationPeriod(Duration period) {
      this.expiration = Checks.positive(period, "weightExpirationPeriod");
      return this;
    }

    /**
     * @param period how often weights are computed again, {@code >= 100 ms}
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if it is below 100 ms or above 365 days
     */
    public Builder weightUpdatePeriod(Duration period) {
      this.update = Checks.range(period, "weightUpdatePeriod", MIN_WEIGHT_UPDATE_PERIOD);
      return this;
    }

    /**
     * @param penalty the factor on eps / qps added to the utilization, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if it is negative, NaN or infinite
     */
    public Builder errorUtilizationPenalty(double penalty) {
      Checks.argument(penalty >= 0 && penalty < Double.POSITIVE_INFINITY,
          "errorUtilizationPenalty", penalty, "finite and >= 0");
      this.errorPenalty = penalty;
      return this;
    }

    /** {@return the settings} */
    public OrcaWrrConfig build() {
      return new OrcaWrrConfig(this);
    }
  }
}
