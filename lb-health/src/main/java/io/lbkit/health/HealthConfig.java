package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lbkit.LoadTracker;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link HealthMonitor} detects, ejects, checks and restores: one immutable group of
 * settings per feature, the way gRPC's outlier detection groups its config. A group that is absent
 * means its feature is off; there are no "0 disables" values and no second switch.
 *
 * <table>
 *   <caption>Groups, and what {@link #defaults()} holds</caption>
 *   <tr><th>group</th><th>feature</th><th>in the defaults</th></tr>
 *   <tr><td>{@link ConsecutiveFailures}</td><td>eject after a failure streak</td><td>5</td></tr>
 *   <tr><td>{@link SuccessRate}</td><td>interval ejection below mean − k × stdev</td>
 *       <td>100 calls, 5 hosts, 1.9</td></tr>
 *   <tr><td>{@link FailurePercentage}</td><td>interval ejection above a failure share</td>
 *       <td>85%, 5 hosts, 50 calls</td></tr>
 *   <tr><td>{@link LatencyEjection}</td><td>interval ejection above k × the median latency</td>
 *       <td>5 ×, 5 hosts, 50 calls</td></tr>
 *   <tr><td>{@link EjectionLimits}</td><td>ejection length and max share (always present)</td>
 *       <td>30 s × k up to 300 s, 10%, first one always allowed</td></tr>
 *   <tr><td>circuit breaker ({@link CircuitBreakerConfig})</td><td>a resilience4j breaker per
 *       server</td><td>resilience4j's defaults</td></tr>
 *   <tr><td>{@link ActiveChecks}</td><td>probing each server</td><td>absent</td></tr>
 *   <tr><td>{@link SlowStart}</td><td>ramping joining and recovered servers</td>
 *       <td>30 s, linear, from 10%</td></tr>
 *   <tr><td>{@link Panic}</td><td>choosing among all below an available share</td>
 *       <td>50%</td></tr>
 * </table>
 *
 * <p>Besides the groups: the evaluation {@link #interval()} of the interval detectors (10 s), the
 * {@link #stateGracePeriod()} a departed server's state is kept (5 min), the {@link
 * #throughputWindow()} of the stats (10 s) and the peak-EWMA {@link #ewmaDecay()} (10 s). Runtime
 * objects (scheduler, listeners, breaker registry, ticker, randomness) are not settings: they go
 * to {@link HealthMonitor#builder}.
 */
public final class HealthConfig {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STATE_GRACE_PERIOD = Duration.ofMinutes(5);
  public static final Duration DEFAULT_THROUGHPUT_WINDOW = Duration.ofSeconds(10);

  private static final HealthConfig DEFAULTS = new Builder().build();

  final ConsecutiveFailures consecutiveFailures; // null: off
  final SuccessRate successRate; // null: off
  final FailurePercentage failurePercentage; // null: off
  final LatencyEjection latency; // null: off
  final EjectionLimits ejection;
  final CircuitBreakerConfig circuitBreaker; // null: off
  final ActiveChecks activeChecks; // null: off
  final SlowStart slowStart; // null: off
  final Panic panic; // null: off
  final Duration interval;
  final Duration stateGracePeriod;
  final Duration throughputWindow;
  final Duration ewmaDecay;

  private HealthConfig(Builder b) {
    consecutiveFailures = b.consecutiveFailures;
    successRate = b.successRate;
    failurePercentage = b.failurePercentage;
    latency = b.latency;
    ejection = b.ejection;
    circuitBreaker = b.circuitBreaker;
    activeChecks = b.activeChecks;
    slowStart = b.slowStart;
    panic = b.panic;
    interval = b.interval;
    stateGracePeriod = b.stateGracePeriod;
    throughputWindow = b.throughputWindow;
    ewmaDecay = b.ewmaDecay;
  }

  /**
   * Envoy's and gRPC's outlier detection (consecutive failures, success rate, failure percentage,
   * with their defaults), latency ejection, a resilience4j breaker per server, slow start and
   * panic; no active checks.
   */
  public static HealthConfig defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from {@link #defaults()}; {@code noX()} methods turn a group off. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every setting of this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Optional<ConsecutiveFailures> consecutiveFailures() {
    return Optional.ofNullable(consecutiveFailures);
  }

  public Optional<SuccessRate> successRate() {
    return Optional.ofNullable(successRate);
  }

  public Optional<FailurePercentage> failurePercentage() {
    return Optional.ofNullable(failurePercentage);
  }

  public Optional<LatencyEjection> latency() {
    return Optional.ofNullable(latency);
  }

  public EjectionLimits ejection() {
    return ejection;
  }

  /** The config of every per-server breaker; empty when breakers are off. */
  public Optional<CircuitBreakerConfig> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  public Optional<ActiveChecks> activeChecks() {
    return Optional.ofNullable(activeChecks);
  }

  public Optional<SlowStart> slowStart() {
    return Optional.ofNullable(slowStart);
  }

  public Optional<Panic> panic() {
    return Optional.ofNullable(panic);
  }

  /** How often the interval detectors (success rate, failure percentage, latency) evaluate. */
  public Duration interval() {
    return interval;
  }

  public Duration stateGracePeriod() {
    return stateGracePeriod;
  }

  public Duration throughputWindow() {
    return throughputWindow;
  }

  public Duration ewmaDecay() {
    return ewmaDecay;
  }

  @Override
  public String toString() {
    return "HealthConfig{consecutiveFailures=" + consecutiveFailures + ", successRate="
        + successRate + ", failurePercentage=" + failurePercentage + ", latency=" + latency
        + ", ejection=" + ejection + ", circuitBreaker=" + (circuitBreaker != null)
        + ", activeChecks=" + activeChecks + ", slowStart=" + slowStart + ", panic=" + panic
        + ", interval=" + interval + '}';
  }

  /** Builds a {@link HealthConfig}, starting from the defaults; not thread-safe. */
  public static final class Builder {
    private ConsecutiveFailures consecutiveFailures = ConsecutiveFailures.defaults();
    private SuccessRate successRate = SuccessRate.defaults();
    private FailurePercentage failurePercentage = FailurePercentage.defaults();
    private LatencyEjection latency = LatencyEjection.defaults();
    private EjectionLimits ejection = EjectionLimits.defaults();
    private CircuitBreakerConfig circuitBreaker = CircuitBreakerConfig.ofDefaults();
    private ActiveChecks activeChecks;
    private SlowStart slowStart = SlowStart.defaults();
    private Panic panic = Panic.defaults();
    private Duration interval = DEFAULT_INTERVAL;
    private Duration stateGracePeriod = DEFAULT_STATE_GRACE_PERIOD;
    private Duration throughputWindow = DEFAULT_THROUGHPUT_WINDOW;
    private Duration ewmaDecay = LoadTracker.DEFAULT_EWMA_DECAY;

    private Builder() {}

    private Builder(HealthConfig c) {
      consecutiveFailures = c.consecutiveFailures;
      successRate = c.successRate;
      failurePercentage = c.failurePercentage;
      latency = c.latency;
      ejection = c.ejection;
      circuitBreaker = c.circuitBreaker;
      activeChecks = c.activeChecks;
      slowStart = c.slowStart;
      panic = c.panic;
      interval = c.interval;
      stateGracePeriod = c.stateGracePeriod;
      throughputWindow = c.throughputWindow;
      ewmaDecay = c.ewmaDecay;
    }

    public Builder consecutiveFailures(ConsecutiveFailures group) {
      consecutiveFailures = Checks.notNull(group, "consecutiveFailures");
      return this;
    }

    /** A failure streak ejects nothing (breakers and interval detectors still may). */
    public Builder noConsecutiveFailures() {
      consecutiveFailures = null;
      return this;
    }

    public Builder successRate(SuccessRate group) {
      successRate = Checks.notNull(group, "successRate");
      return this;
    }

    public Builder noSuccessRate() {
      successRate = null;
      return this;
    }

    public Builder failurePercentage(FailurePercentage group) {
      failurePercentage = Checks.notNull(group, "failurePercentage");
      return this;
    }

    public Builder noFailurePercentage() {
      failurePercentage = null;
      return this;
    }

    public Builder latency(LatencyEjection group) {
      latency = Checks.notNull(group, "latency");
      return this;
    }

    public Builder noLatency() {
      latency = null;
      return this;
    }

    /** Every passive ejection is limited by these; they cannot be absent. */
    public Builder ejection(EjectionLimits group) {
      ejection = Checks.notNull(group, "ejection");
      return this;
    }

    /**
     * Every per-server breaker is configured so (named by server id). The monitor derives from it
     * a config whose clock reads the monitor's ticker, so OPEN ends on the monitor's time, and
     * moves OPEN breakers to HALF_OPEN itself at the end of their wait.
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      circuitBreaker = Checks.notNull(config, "circuitBreaker");
      return this;
    }

    public Builder noCircuitBreaker() {
      circuitBreaker = null;
      return this;
    }

    public Builder activeChecks(ActiveChecks group) {
      activeChecks = Checks.notNull(group, "activeChecks");
      return this;
    }

    public Builder noActiveChecks() {
      activeChecks = null;
      return this;
    }

    public Builder slowStart(SlowStart group) {
      slowStart = Checks.notNull(group, "slowStart");
      return this;
    }

    public Builder noSlowStart() {
      slowStart = null;
      return this;
    }

    public Builder panic(Panic group) {
      panic = Checks.notNull(group, "panic");
      return this;
    }

    public Builder noPanic() {
      panic = null;
      return this;
    }

    /** How often success rate, failure percentage and latency are evaluated (default 10 s). */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive(interval, "interval");
      return this;
    }

    /** How long a removed server's state is kept in case it comes back (default 5 min). */
    public Builder stateGracePeriod(Duration d) {
      stateGracePeriod = Checks.nonNegative(d, "stateGracePeriod");
      return this;
    }

    /** The window that {@code stats().throughputPerSecond()} averages over (default 10 s). */
    public Builder throughputWindow(Duration d) {
      throughputWindow = ConfigChecks.throughputWindow(d);
      return this;
    }

    /** The peak-EWMA latency time constant (default 10 s). */
    public Builder ewmaDecay(Duration d) {
      ewmaDecay = Checks.positive(d, "ewmaDecay");
      return this;
    }

    public HealthConfig build() {
      return new HealthConfig(this);
    }
  }
}
