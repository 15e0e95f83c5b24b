package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.LoadTracker;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a {@link HealthMonitor} detects, ejects, checks and restores servers. Immutable; build one
 * with {@link #builder()} (or start from {@link #defaults()} with {@link #toBuilder()}).
 *
 * <p>Defaults follow Envoy's outlier detection and gRPC's {@code OutlierDetectionLoadBalancer}
 * where those apply (consecutive failures 5; interval 10 s; success rate: 100 requests, 5 hosts,
 * 1.9 standard deviations; failure percentage: 85%, 5 hosts, 50 requests; ejection 30 s × k
 * capped at 300 s; at most 10% ejected, but always at least one), HAProxy for active checks
 * (interval 2 s, rise 2, fall 3), Envoy for slow start (30 s window, aggression 1, minimum 10%)
 * and panic (50%). Every setter validates its argument at once; {@link Builder#build()} checks the
 * settings against each other. A zero count, duration or percentage disables the feature where the
 * setter says so.
 */
public final class HealthConfig {
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  public static final boolean DEFAULT_CIRCUIT_BREAKER_ENABLED = true;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_SUCCESS_RATE_REQUEST_VOLUME = 100;
  public static final int DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS = 5;
  public static final double DEFAULT_SUCCESS_RATE_STDEV_FACTOR = 1.9;
  public static final double DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 85.0;
  public static final int DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS = 5;
  public static final int DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;
  public static final double DEFAULT_LATENCY_FACTOR = 5.0;
  public static final int DEFAULT_LATENCY_MINIMUM_HOSTS = 5;
  public static final int DEFAULT_LATENCY_REQUEST_VOLUME = 50;
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
  public static final Duration DEFAULT_EJECTION_JITTER = Duration.ZERO;
  public static final double DEFAULT_MAX_EJECTION_PERCENT = 10.0;
  public static final boolean DEFAULT_ALWAYS_ALLOW_ONE_EJECTION = true;
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CHECK_JITTER = Duration.ofMillis(200);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;
  public static final Duration DEFAULT_SLOW_START_WINDOW = Duration.ofSeconds(30);
  public static final double DEFAULT_SLOW_START_AGGRESSION = 1.0;
  public static final double DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT = 10.0;
  public static final double DEFAULT_PANIC_THRESHOLD_PERCENT = 50.0;
  public static final Duration DEFAULT_STATE_GRACE_PERIOD = Duration.ofMinutes(5);
  public static final Duration DEFAULT_THROUGHPUT_WINDOW = Duration.ofSeconds(10);

  private static final HealthConfig DEFAULTS = new Builder().build();

  final int consecutiveFailures;
  final boolean circuitBreakerEnabled;
  final CircuitBreakerConfig circuitBreakerConfig;
  final CircuitBreakerRegistry circuitBreakerRegistry;
  final Duration interval;
  final int successRateRequestVolume;
  final int successRateMinimumHosts;
  final double successRateStdevFactor;
  final double failurePercentageThreshold;
  final int failurePercentageMinimumHosts;
  final int failurePercentageRequestVolume;
  final double latencyFactor;
  final int latencyMinimumHosts;
  final int latencyRequestVolume;
  final Duration baseEjectionTime;
  final Duration maxEjectionTime;
  final Duration ejectionJitter;
  final double maxEjectionPercent;
  final boolean alwaysAllowOneEjection;
  final HealthCheck healthCheck;
  final Duration checkInterval;
  final Duration checkTimeout;
  final Duration checkJitter;
  final int rise;
  final int fall;
  final ScheduledExecutorService scheduler;
  final boolean autoTick;
  final Duration slowStartWindow;
  final double slowStartAggression;
  final double slowStartMinWeightPercent;
  final double panicThresholdPercent;
  final Duration stateGracePeriod;
  final Duration throughputWindow;
  final Duration ewmaDecay;
  final List<HealthListener> listeners;

  private HealthConfig(Builder b) {
    consecutiveFailures = b.consecutiveFailures;
    circuitBreakerEnabled = b.circuitBreakerEnabled;
    circuitBreakerConfig = b.circuitBreakerConfig;
    circuitBreakerRegistry = b.circuitBreakerRegistry;
    interval = b.interval;
    successRateRequestVolume = b.successRateRequestVolume;
    successRateMinimumHosts = b.successRateMinimumHosts;
    successRateStdevFactor = b.successRateStdevFactor;
    failurePercentageThreshold = b.failurePercentageThreshold;
    failurePercentageMinimumHosts = b.failurePercentageMinimumHosts;
    failurePercentageRequestVolume = b.failurePercentageRequestVolume;
    latencyFactor = b.latencyFactor;
    latencyMinimumHosts = b.latencyMinimumHosts;
    latencyRequestVolume = b.latencyRequestVolume;
    baseEjectionTime = b.baseEjectionTime;
    maxEjectionTime = b.maxEjectionTime;
    ejectionJitter = b.ejectionJitter;
    maxEjectionPercent = b.maxEjectionPercent;
    alwaysAllowOneEjection = b.alwaysAllowOneEjection;
    healthCheck = b.healthCheck;
    checkInterval = b.checkInterval;
    checkTimeout = b.checkTimeout;
    checkJitter = b.checkJitter;
    rise = b.rise;
    fall = b.fall;
    scheduler = b.scheduler;
    autoTick = b.autoTick;
    slowStartWindow = b.slowStartWindow;
    slowStartAggression = b.slowStartAggression;
    slowStartMinWeightPercent = b.slowStartMinWeightPercent;
    panicThresholdPercent = b.panicThresholdPercent;
    stateGracePeriod = b.stateGracePeriod;
    throughputWindow = b.throughputWindow;
    ewmaDecay = b.ewmaDecay;
    listeners = List.copyOf(b.listeners);
  }

  /** Envoy/gRPC-compatible defaults, a circuit breaker per server, no active checks. */
  public static HealthConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every setting of this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public boolean circuitBreakerEnabled() {
    return circuitBreakerEnabled;
  }

  /** The breaker config given, or null (resilience4j's defaults are used). */
  public CircuitBreakerConfig circuitBreakerConfig() {
    return circuitBreakerConfig;
  }

  /** The registry given, or null. */
  public CircuitBreakerRegistry circuitBreakerRegistry() {
    return circuitBreakerRegistry;
  }

  public Duration interval() {
    return interval;
  }

  public int successRateRequestVolume() {
    return successRateRequestVolume;
  }

  public int successRateMinimumHosts() {
    return successRateMinimumHosts;
  }

  public double successRateStdevFactor() {
    return successRateStdevFactor;
  }

  public double failurePercentageThreshold() {
    return failurePercentageThreshold;
  }

  public int failurePercentageMinimumHosts() {
    return failurePercentageMinimumHosts;
  }

  public int failurePercentageRequestVolume() {
    return failurePercentageRequestVolume;
  }

  public double latencyFactor() {
    return latencyFactor;
  }

  public int latencyMinimumHosts() {
    return latencyMinimumHosts;
  }

  public int latencyRequestVolume() {
    return latencyRequestVolume;
  }

  public Duration baseEjectionTime() {
    return baseEjectionTime;
  }

  public Duration maxEjectionTime() {
    return maxEjectionTime;
  }

  public Duration ejectionJitter() {
    return ejectionJitter;
  }

  public double maxEjectionPercent() {
    return maxEjectionPercent;
  }

  public boolean alwaysAllowOneEjection() {
    return alwaysAllowOneEjection;
  }

  /** The active check, or null when active checks are off. */
  public HealthCheck healthCheck() {
    return healthCheck;
  }

  public Duration checkInterval() {
    return checkInterval;
  }

  public Duration checkTimeout() {
    return checkTimeout;
  }

  public Duration checkJitter() {
    return checkJitter;
  }

  public int rise() {
    return rise;
  }

  public int fall() {
    return fall;
  }

  /** The user's scheduler, or null (the monitor creates a daemon one when it first needs one). */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  public boolean autoTick() {
    return autoTick;
  }

  public Duration slowStartWindow() {
    return slowStartWindow;
  }

  public double slowStartAggression() {
    return slowStartAggression;
  }

  public double slowStartMinWeightPercent() {
    return slowStartMinWeightPercent;
  }

  public double panicThresholdPercent() {
    return panicThresholdPercent;
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

  public List<HealthListener> listeners() {
    return listeners;
  }

  @Override
  public String toString() {
    return "HealthConfig{consecutiveFailures=" + consecutiveFailures
        + ", circuitBreaker=" + circuitBreakerEnabled + ", interval=" + interval
        + ", successRate=" + successRateRequestVolume + "/" + successRateMinimumHosts + "/"
        + successRateStdevFactor + ", failurePercentage=" + failurePercentageThreshold + "/"
        + failurePercentageMinimumHosts + "/" + failurePercentageRequestVolume
        + ", latencyFactor=" + latencyFactor + ", ejection=" + baseEjectionTime + ".."
        + maxEjectionTime + ", maxEjectionPercent=" + maxEjectionPercent
        + ", activeChecks=" + (healthCheck != null) + ", slowStart=" + slowStartWindow
        + ", panic=" + panicThresholdPercent + "%}";
  }

  /** Builds a {@link HealthConfig}; not thread-safe. */
  public static final class Builder {
    private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
    private boolean circuitBreakerEnabled = DEFAULT_CIRCUIT_BREAKER_ENABLED;
    private CircuitBreakerConfig circuitBreakerConfig;
    private CircuitBreakerRegistry circuitBreakerRegistry;
    private Duration interval = DEFAULT_INTERVAL;
    private int successRateRequestVolume = DEFAULT_SUCCESS_RATE_REQUEST_VOLUME;
    private int successRateMinimumHosts = DEFAULT_SUCCESS_RATE_MINIMUM_HOSTS;
    private double successRateStdevFactor = DEFAULT_SUCCESS_RATE_STDEV_FACTOR;
    private double failurePercentageThreshold = DEFAULT_FAILURE_PERCENTAGE_THRESHOLD;
    private int failurePercentageMinimumHosts = DEFAULT_FAILURE_PERCENTAGE_MINIMUM_HOSTS;
    private int failurePercentageRequestVolume = DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME;
    private double latencyFactor = DEFAULT_LATENCY_FACTOR;
    private int latencyMinimumHosts = DEFAULT_LATENCY_MINIMUM_HOSTS;
    private int latencyRequestVolume = DEFAULT_LATENCY_REQUEST_VOLUME;
    private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
    private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
    private Duration ejectionJitter = DEFAULT_EJECTION_JITTER;
    private double maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;
    private boolean alwaysAllowOneEjection = DEFAULT_ALWAYS_ALLOW_ONE_EJECTION;
    private HealthCheck healthCheck;
    private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
    private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
    private Duration checkJitter = DEFAULT_CHECK_JITTER;
    private int rise = DEFAULT_RISE;
    private int fall = DEFAULT_FALL;
    private ScheduledExecutorService scheduler;
    private boolean autoTick = true;
    private Duration slowStartWindow = DEFAULT_SLOW_START_WINDOW;
    private double slowStartAggression = DEFAULT_SLOW_START_AGGRESSION;
    private double slowStartMinWeightPercent = DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT;
    private double panicThresholdPercent = DEFAULT_PANIC_THRESHOLD_PERCENT;
    private Duration stateGracePeriod = DEFAULT_STATE_GRACE_PERIOD;
    private Duration throughputWindow = DEFAULT_THROUGHPUT_WINDOW;
    private Duration ewmaDecay = LoadTracker.DEFAULT_EWMA_DECAY;
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder() {}

    private Builder(HealthConfig c) {
      consecutiveFailures = c.consecutiveFailures;
      circuitBreakerEnabled = c.circuitBreakerEnabled;
      circuitBreakerConfig = c.circuitBreakerConfig;
      circuitBreakerRegistry = c.circuitBreakerRegistry;
      interval = c.interval;
      successRateRequestVolume = c.successRateRequestVolume;
      successRateMinimumHosts = c.successRateMinimumHosts;
      successRateStdevFactor = c.successRateStdevFactor;
      failurePercentageThreshold = c.failurePercentageThreshold;
      failurePercentageMinimumHosts = c.failurePercentageMinimumHosts;
      failurePercentageRequestVolume = c.failurePercentageRequestVolume;
      latencyFactor = c.latencyFactor;
      latencyMinimumHosts = c.latencyMinimumHosts;
      latencyRequestVolume = c.latencyRequestVolume;
      baseEjectionTime = c.baseEjectionTime;
      maxEjectionTime = c.maxEjectionTime;
      ejectionJitter = c.ejectionJitter;
      maxEjectionPercent = c.maxEjectionPercent;
      alwaysAllowOneEjection = c.alwaysAllowOneEjection;
      healthCheck = c.healthCheck;
      checkInterval = c.checkInterval;
      checkTimeout = c.checkTimeout;
      checkJitter = c.checkJitter;
      rise = c.rise;
      fall = c.fall;
      scheduler = c.scheduler;
      autoTick = c.autoTick;
      slowStartWindow = c.slowStartWindow;
      slowStartAggression = c.slowStartAggression;
      slowStartMinWeightPercent = c.slowStartMinWeightPercent;
      panicThresholdPercent = c.panicThresholdPercent;
      stateGracePeriod = c.stateGracePeriod;
      throughputWindow = c.throughputWindow;
      ewmaDecay = c.ewmaDecay;
      listeners.addAll(c.listeners);
    }

    /** Failures in a row that eject a server (Envoy's consecutive_5xx); 0 disables. */
    public Builder consecutiveFailures(int n) {
      consecutiveFailures = Checks.nonNegative(n, "consecutiveFailures");
      return this;
    }

    /** Whether each server gets a resilience4j circuit breaker (default on). */
    public Builder circuitBreakerEnabled(boolean enabled) {
      circuitBreakerEnabled = enabled;
      return this;
    }

    /**
     * The config of every per-server breaker (named by server id). The monitor derives from it a
     * config whose clock reads the monitor's ticker, so OPEN ends on the monitor's time.
     */
    public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
      circuitBreakerConfig = Checks.notNull(config, "circuitBreakerConfig");
      circuitBreakerEnabled = true;
      return this;
    }

    /**
     * Breakers come from this registry, by server id, as they are: their clock is the registry's
     * (so with a fake ticker, OPEN ends on the registry's clock, not the ticker).
     */
    public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
      circuitBreakerRegistry = Checks.notNull(registry, "circuitBreakerRegistry");
      circuitBreakerEnabled = true;
      return this;
    }

    /** How often success rate, failure percentage and latency are evaluated (default 10 s). */
    public Builder interval(Duration interval) {
      this.interval = ConfigChecks.positive(interval, "interval");
      return this;
    }

    /** Requests a server needs in an interval to count for success-rate ejection. */
    public Builder successRateRequestVolume(int n) {
      successRateRequestVolume = Checks.positive(n, "successRateRequestVolume");
      return this;
    }

    /** Servers with enough requests needed for success-rate ejection; 0 disables it. */
    public Builder successRateMinimumHosts(int n) {
      successRateMinimumHosts = Checks.nonNegative(n, "successRateMinimumHosts");
      return this;
    }

    /** Ejects below mean − factor × stdev of the success rates (default 1.9). */
    public Builder successRateStdevFactor(double factor) {
      successRateStdevFactor = Checks.positive(factor, "successRateStdevFactor");
      return this;
    }

    /** Failure percentage at or above which a server is ejected (0..100; 0 disables). */
    public Builder failurePercentageThreshold(double percent) {
      failurePercentageThreshold = ConfigChecks.percent(percent, "failurePercentageThreshold");
      return this;
    }

    public Builder failurePercentageMinimumHosts(int n) {
      failurePercentageMinimumHosts = Checks.nonNegative(n, "failurePercentageMinimumHosts");
      return this;
    }

    public Builder failurePercentageRequestVolume(int n) {
      failurePercentageRequestVolume = Checks.positive(n, "failurePercentageRequestVolume");
      return this;
    }

    /** Ejects a server whose latency stays above factor × the pool median; 0 disables. */
    public Builder latencyFactor(double factor) {
      latencyFactor = ConfigChecks.latencyFactor(factor);
      return this;
    }

    public Builder latencyMinimumHosts(int n) {
      latencyMinimumHosts = Checks.nonNegative(n, "latencyMinimumHosts");
      return this;
    }

    public Builder latencyRequestVolume(int n) {
      latencyRequestVolume = Checks.positive(n, "latencyRequestVolume");
      return this;
    }

    /** First ejection time; the k-th lasts k × base (default 30 s). */
    public Builder baseEjectionTime(Duration d) {
      baseEjectionTime = ConfigChecks.positive(d, "baseEjectionTime");
      return this;
    }

    /** Cap on the ejection time (default 300 s); at least the base. */
    public Builder maxEjectionTime(Duration d) {
      maxEjectionTime = ConfigChecks.positive(d, "maxEjectionTime");
      return this;
    }

    /** A random extra of up to this much per ejection (default 0). */
    public Builder ejectionJitter(Duration d) {
      ejectionJitter = ConfigChecks.nonNegative(d, "ejectionJitter");
      return this;
    }

    /**
     * The largest share of the pool that passive detection may eject, counted with the server
     * about to be ejected (0..100, default 10).
     */
    public Builder maxEjectionPercent(double percent) {
      maxEjectionPercent = ConfigChecks.percent(percent, "maxEjectionPercent");
      return this;
    }

    /** When nothing is ejected, one server may be, whatever the percentage (default true). */
    public Builder alwaysAllowOneEjection(boolean allow) {
      alwaysAllowOneEjection = allow;
      return this;
    }

    /** Turns active checks on with this check (off by default). */
    public Builder healthCheck(HealthCheck check) {
      healthCheck = Checks.notNull(check, "healthCheck");
      return this;
    }

    public Builder checkInterval(Duration d) {
      checkInterval = ConfigChecks.positive(d, "checkInterval");
      return this;
    }

    /** A check not answered within this counts as failed. */
    public Builder checkTimeout(Duration d) {
      checkTimeout = ConfigChecks.positive(d, "checkTimeout");
      return this;
    }

    /** Each check waits interval + a random amount below this, so checks don't align. */
    public Builder checkJitter(Duration d) {
      checkJitter = ConfigChecks.nonNegative(d, "checkJitter");
      return this;
    }

    /** Passes in a row that mark a server healthy again (default 2). */
    public Builder rise(int n) {
      rise = Checks.positive(n, "rise");
      return this;
    }

    /** Failed checks in a row that mark a server unhealthy (default 3). */
    public Builder fall(int n) {
      fall = Checks.positive(n, "fall");
      return this;
    }

    /** Runs evaluations and checks here; the monitor never shuts it down. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Whether the monitor schedules its own {@link HealthMonitor#tick()}s (default true). Turn it
     * off when a simulator or test drives time and calls {@code tick()} itself. With a ticker
     * other than the system one, ticks are scheduled only on a {@link #scheduler} given here.
     */
    public Builder autoTick(boolean autoTick) {
      this.autoTick = autoTick;
      return this;
    }

    /** How long a joining or recovered server ramps up (default 30 s); zero disables. */
    public Builder slowStartWindow(Duration d) {
      slowStartWindow = ConfigChecks.nonNegative(d, "slowStartWindow");
      return this;
    }

    /** The ramp is (t / window)^(1 / aggression); 1 is linear (default). */
    public Builder slowStartAggression(double a) {
      slowStartAggression = Checks.positive(a, "slowStartAggression");
      return this;
    }

    /** The ramp never goes below this share of the weight (in (0, 100], default 10). */
    public Builder slowStartMinWeightPercent(double percent) {
      slowStartMinWeightPercent = ConfigChecks.slowStartMinWeightPercent(percent);
      return this;
    }

    /** Below this available share, choose among all servers (0..100, default 50; 0 disables). */
    public Builder panicThresholdPercent(double percent) {
      panicThresholdPercent = ConfigChecks.percent(percent, "panicThresholdPercent");
      return this;
    }

    /** How long a removed server's state is kept in case it comes back (default 5 min). */
    public Builder stateGracePeriod(Duration d) {
      stateGracePeriod = ConfigChecks.nonNegative(d, "stateGracePeriod");
      return this;
    }

    /** The window that {@code stats().throughputPerSecond()} averages over (default 10 s). */
    public Builder throughputWindow(Duration d) {
      throughputWindow = ConfigChecks.positive(d, "throughputWindow");
      return this;
    }

    /** The peak-EWMA latency time constant (default 10 s). */
    public Builder ewmaDecay(Duration d) {
      ewmaDecay = ConfigChecks.positive(d, "ewmaDecay");
      return this;
    }

    public Builder listener(HealthListener listener) {
      listeners.add(Checks.notNull(listener, "listener"));
      return this;
    }

    /** Checks the settings against each other and builds the config. */
    public HealthConfig build() {
      ConfigChecks.ejectionTimes(baseEjectionTime, maxEjectionTime);
      ConfigChecks.checkTimes(checkInterval, checkTimeout, checkJitter);
      ConfigChecks.throughputWindow(throughputWindow);
      return new HealthConfig(this);
    }
  }
}
