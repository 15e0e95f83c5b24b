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
  /** How often the interval detectors evaluate, by default (Envoy's and gRPC's). */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** How long a departed server's state is kept, by default. */
  public static final Duration DEFAULT_STATE_GRACE_PERIOD = Duration.ofMinutes(5);
  /** The window the throughput in the stats averages over, by default. */
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
   *
   * @return the shared default config
   */
  public static HealthConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from {@link #defaults()}; {@code noX()} methods turn a group off.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding every setting of this config, to derive another from it.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the consecutive-failure settings; empty when a streak ejects nothing} */
  public Optional<ConsecutiveFailures> consecutiveFailures() {
    return Optional.ofNullable(consecutiveFailures);
  }

  /** {@return the success-rate settings; empty when success-rate ejection is off} */
  public Optional<SuccessRate> successRate() {
    return Optional.ofNullable(successRate);
  }

  /** {@return the failure-percentage settings; empty when failure-percentage ejection is off} */
  public Optional<FailurePercentage> failurePercentage() {
    return Optional.ofNullable(failurePercentage);
  }

  /** {@return the latency-ejection settings; empty when latency ejection is off} */
  public Optional<LatencyEjection> latency() {
    return Optional.ofNullable(latency);
  }

  /** {@return the limits on every passive ejection, always present} */
  public EjectionLimits ejection() {
    return ejection;
  }

  /** {@return the config of every per-server breaker; empty when breakers are off} */
  public Optional<CircuitBreakerConfig> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  /** {@return the active-check settings; empty when nothing is probed} */
  public Optional<ActiveChecks> activeChecks() {
    return Optional.ofNullable(activeChecks);
  }

  /** {@return the slow-start settings; empty when servers get their full share at once} */
  public Optional<SlowStart> slowStart() {
    return Optional.ofNullable(slowStart);
  }

  /** {@return the panic settings; empty when the pickers never go beyond the available servers} */
  public Optional<Panic> panic() {
    return Optional.ofNullable(panic);
  }

  /**
   * {@return how often the interval detectors (success rate, failure percentage, latency)
   * evaluate}
   */
  public Duration interval() {
    return interval;
  }

  /** {@return how long a departed server's state is kept in case it comes back} */
  public Duration stateGracePeriod() {
    return stateGracePeriod;
  }

  /** {@return the window that {@code stats().throughputPerSecond()} averages over} */
  public Duration throughputWindow() {
    return throughputWindow;
  }

  /** {@return the peak-EWMA latency time constant} */
  public Duration ewmaDecay() {
    return ewmaDecay;
  }

  @Override
  public String toString() {
    return "HealthConfig{consecutiveFailures=" + consecutiveFailures + ", successRate="
        + successRate + ", failurePercentage=" + failurePercentage + ", latency=" + latency
        + ", ejection=" + ejection + ", circuitBreaker=" + (circuitBreaker != null)
        + ", activeChecks=" + activeChecks + ", slowStart=" + slowStart + ", panic=" + panic
        + ", interval=" + interval + ", stateGracePeriod=" + stateGracePeriod
        + ", throughputWindow=" + throughputWindow + ", ewmaDecay=" + ewmaDecay + '}';
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

    /**
     * Turns consecutive-failure ejection on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder consecutiveFailures(ConsecutiveFailures group) {
      consecutiveFailures = Checks.notNull(group, "consecutiveFailures");
      return this;
    }

    /**
     * Turns consecutive-failure ejection off: a failure streak ejects nothing (breakers and
     * interval detectors still may).
     *
     * @return this builder
     */
    public Builder noConsecutiveFailures() {
      consecutiveFailures = null;
      return this;
    }

    /**
     * Turns success-rate ejection on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder successRate(SuccessRate group) {
      successRate = Checks.notNull(group, "successRate");
      return this;
    }

    /**
     * Turns success-rate ejection off.
     *
     * @return this builder
     */
    public Builder noSuccessRate() {
      successRate = null;
      return this;
    }

    /**
     * Turns failure-percentage ejection on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder failurePercentage(FailurePercentage group) {
      failurePercentage = Checks.notNull(group, "failurePercentage");
      return this;
    }

    /**
     * Turns failure-percentage ejection off.
     *
     * @return this builder
     */
    public Builder noFailurePercentage() {
      failurePercentage = null;
      return this;
    }

    /**
     * Turns latency ejection on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder latency(LatencyEjection group) {
      latency = Checks.notNull(group, "latency");
      return this;
    }

    /**
     * Turns latency ejection off.
     *
     * @return this builder
     */
    public Builder noLatency() {
      latency = null;
      return this;
    }

    /**
     * Sets the limits of every passive ejection; they cannot be absent.
     *
     * @param group the limits
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder ejection(EjectionLimits group) {
      ejection = Checks.notNull(group, "ejection");
      return this;
    }

    /**
     * Every per-server breaker is configured so (named by server id). The monitor derives from it
     * a config whose clock reads the monitor's ticker, so OPEN ends on the monitor's time, and
     * moves OPEN breakers to HALF_OPEN itself at the end of their wait.
     *
     * @param config resilience4j's settings for each per-server breaker
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      circuitBreaker = Checks.notNull(config, "circuitBreaker");
      return this;
    }

    /**
     * Turns circuit breakers off: no server gets a breaker, and nothing asks for permission.
     *
     * @return this builder
     */
    public Builder noCircuitBreaker() {
      circuitBreaker = null;
      return this;
    }

    /**
     * Turns active checks on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder activeChecks(ActiveChecks group) {
      activeChecks = Checks.notNull(group, "activeChecks");
      return this;
    }

    /**
     * Turns active checks off (the default): nothing is probed.
     *
     * @return this builder
     */
    public Builder noActiveChecks() {
      activeChecks = null;
      return this;
    }

    /**
     * Turns slow start on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder slowStart(SlowStart group) {
      slowStart = Checks.notNull(group, "slowStart");
      return this;
    }

    /**
     * Turns slow start off: a joining or recovered server gets its full share at once.
     *
     * @return this builder
     */
    public Builder noSlowStart() {
      slowStart = null;
      return this;
    }

    /**
     * Turns panic mode on with these settings.
     *
     * @param group the settings
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     */
    public Builder panic(Panic group) {
      panic = Checks.notNull(group, "panic");
      return this;
    }

    /**
     * Turns panic mode off: the pickers never go beyond the available servers, and choosing fails
     * when none is.
     *
     * @return this builder
     */
    public Builder noPanic() {
      panic = null;
      return this;
    }

    /**
     * Sets how often success rate, failure percentage and latency are evaluated (default 10 s).
     *
     * @param interval in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is zero, negative or above 365 days
     */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive(interval, "interval");
      return this;
    }

    /**
     * Sets how long a removed server's state is kept in case it comes back (default 5 min).
     *
     * @param d in [0, 365 days]; 0 keeps nothing, so a server that returns starts afresh
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is negative or above 365 days
     */
    public Builder stateGracePeriod(Duration d) {
      stateGracePeriod = Checks.nonNegative(d, "stateGracePeriod");
      return this;
    }

    /**
     * Sets the window that {@code stats().throughputPerSecond()} averages over (default 10 s).
     *
     * @param d in (0, 365 days], and at least one nanosecond per time bucket of the window
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is out of range
     */
    public Builder throughputWindow(Duration d) {
      throughputWindow = ConfigChecks.throughputWindow(d);
      return this;
    }

    /**
     * Sets the peak-EWMA latency time constant (default 10 s) of the monitor's load metrics.
     *
     * @param d in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder ewmaDecay(Duration d) {
      ewmaDecay = Checks.positive(d, "ewmaDecay");
      return this;
    }

    /**
     * Builds the config.
     *
     * @return the immutable config
     */
    public HealthConfig build() {
      return new HealthConfig(this);
    }
  }
}
