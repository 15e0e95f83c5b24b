package io.lbkit.strategy;

import io.lbkit.Scheduler;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Prober;
import java.time.Duration;

/**
 * Settings of {@link Strategies#prequal(PrequalConfig)}: immutable, validated when built.
 *
 * <p>Who probes and when: the {@link Prober} asks servers for their requests in flight (RIF) and
 * latency; a probe task on the {@link Scheduler}, every {@link #probeInterval()}, issues {@link
 * #probesPerPick()} probes for each pick made since its last run (the paper's r_probe, spread
 * over the interval instead of sent inline, since a pick does no I/O), to distinct random
 * candidates. Answers go into a pool of at most {@link #poolSize()} probes, one per server; a
 * probe leaves it when older than {@link #maxAge()}, after {@link #maxUses()} picks, or when a
 * fresher answer needs its slot and it is the worst. While fewer than {@link #minProbes()} probes
 * are usable the {@link #fallback()} strategy picks (peak EWMA by default).
 */
public final class PrequalConfig {
  /** Probes kept, as in the paper: {@value}. */
  public static final int DEFAULT_POOL_SIZE = 16;
  /** Probes issued per pick: {@value}. */
  public static final double DEFAULT_PROBES_PER_PICK = 1.0;
  /** The RIF quantile above which a probe is hot, as in the paper: {@value}. */
  public static final double DEFAULT_HOT_QUANTILE = 0.84;
  /** How many picks one probe may serve: {@value}. */
  public static final int DEFAULT_MAX_USES = 4;
  /** Usable probes below which the fallback picks: {@value}. */
  public static final int DEFAULT_MIN_PROBES = 2;
  /** How long an answer stays usable. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMillis(500);
  /** How often the probe task runs. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(5);

  private final Prober prober;
  private final Scheduler scheduler;
  private final int poolSize;
  private final double probesPerPick;
  private final double hotQuantile;
  private final int maxUses;
  private final int minProbes;
  private final int maxProbesInFlight;
  private final long maxAgeNanos;
  private final long probeIntervalNanos;
  private final Strategy fallback;

  private PrequalConfig(Builder b) {
    this.prober = b.prober;
    this.scheduler = b.scheduler;
    this.poolSize = b.poolSize;
    this.probesPerPick = b.probesPerPick;
    this.hotQuantile = b.hotQuantile;
    this.maxUses = b.maxUses;
    this.minProbes = b.minProbes;
    this.maxProbesInFlight = b.maxProbesInFlight > 0 ? b.maxProbesInFlight : 2 * b.poolSize;
    this.maxAgeNanos = b.maxAge.toNanos();
    this.probeIntervalNanos = b.probeInterval.toNanos();
    this.fallback = b.fallback;
  }

  /**
   * A builder with the defaults, probing through {@code prober}.
   *
   * @param prober asks servers for their load
   * @return a new builder
   * @throws NullPointerException if {@code prober} is null
   */
  public static Builder builder(Prober prober) {
    return new Builder(Checks.notNull(prober, "prober"));
  }

  /**
   * The defaults, probing through {@code prober}, with probe tasks on a shared daemon thread.
   *
   * @param prober asks servers for their load
   * @return the settings
   * @throws NullPointerException if {@code prober} is null
   */
  public static PrequalConfig of(Prober prober) {
    return builder(prober).build();
  }

  /** {@return what asks servers for their load} */
  public Prober prober() {
    return prober;
  }

  /** {@return where the probe task runs, or null for lbkit's shared daemon thread} */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** {@return how many probes the pool keeps, {@code >= 1}} */
  public int poolSize() {
    return poolSize;
  }

  /** {@return probes issued per pick, {@code > 0}} */
  public double probesPerPick() {
    return probesPerPick;
  }

  /** {@return the pool's RIF quantile in (0, 1] at or below which a probe is cold} */
  public double hotQuantile() {
    return hotQuantile;
  }

  /** {@return how many picks one probe may serve, {@code >= 1}} */
  public int maxUses() {
    return maxUses;
  }

  /** {@return usable probes below which the fallback picks, {@code >= 1}} */
  public int minProbes() {
    return minProbes;
  }

  /** {@return probes allowed in flight at once, {@code >= 1}} */
  public int maxProbesInFlight() {
    return maxProbesInFlight;
  }

  /** {@return how long an answer stays usable} */
  public Duration maxAge() {
    return Duration.ofNanos(maxAgeNanos);
  }

  /** {@return how often the probe task runs} */
  public Duration probeInterval() {
    return Duration.ofNanos(probeIntervalNanos);
  }

  /** {@return what picks while the pool is too small} */
  public Strategy fallback() {
    return fallback;
  }

  long maxAgeNanos() {
    return maxAgeNanos;
  }

  long probeIntervalNanos() {
    return probeIntervalNanos;
  }

  @Override
  public String toString() {
    return "pool=" + poolSize + ", probesPerPick=" + probesPerPick + ", hotQuantile="
        + hotQuantile + ", maxUses=" + maxUses + ", minProbes=" + minProbes + ", maxAge="
        + maxAge() + ", probeInterval=" + probeInterval() + ", fallback=" + fallback;
  }

  /** Builds a {@link PrequalConfig}; every setter validates its argument. */
  public static final class Builder {
    private final Prober prober;
    private Scheduler scheduler;
    private int poolSize = DEFAULT_POOL_SIZE;
    private double probesPerPick = DEFAULT_PROBES_PER_PICK;
    private double hotQuantile = DEFAULT_HOT_QUANTILE;
    private int maxUses = DEFAULT_MAX_USES;
    private int minProbes = DEFAULT_MIN_PROBES;
    private int maxProbesInFlight;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Strategy fallback = Strategies.peakEwma();

    private Builder(Prober prober) {
      this.prober = prober;
    }

    /**
     * Where the probe task runs (a test's manual scheduler, the simulator's virtual clock, the
     * application's own timer thread); by default a daemon thread lbkit shares between prequal
     * selectors. Its tasks are short and never block.
     *
     * @param scheduler the timer
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * How many probes the pool keeps (default {@value #DEFAULT_POOL_SIZE}); a pick scans them
     * all, so keep it small.
     *
     * @param size between 1 and 64
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is outside [1, 64]
     */
    public Builder poolSize(int size) {
      Checks.argument(size >= 1 && size <= 64, "poolSize", size, "in [1, 64]");
      this.poolSize = size;
      return this;
    }

    /**
     * Probes issued per pick (default {@value #DEFAULT_PROBES_PER_PICK}): the probe traffic a
     * server sees is this times its share of the calls, plus the probes of clients that did not
     * pick it.
     *
     * @param rate in (0, 16]
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is outside (0, 16]
     */
    public Builder probesPerPick(double rate) {
      Checks.argument(rate > 0 && rate <= 16, "probesPerPick", rate, "in (0, 16]");
      this.probesPerPick = rate;
      return this;
    }

    /**
     * The RIF quantile of the pool at or below which a probe is cold (default {@value
     * #DEFAULT_HOT_QUANTILE}; interpolated between ranks): the fastest cold probe wins; when
     * none is cold, the lowest RIF wins. 1 makes every probe cold, so latency alone decides.
     *
     * @param q in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code q} is outside (0, 1]
     */
    public Builder hotQuantile(double q) {
      Checks.argument(q > 0 && q <= 1, "hotQuantile", q, "in (0, 1]");
      this.hotQuantile = q;
      return this;
    }

    /**
     * How many picks one probe may serve before it leaves the pool (default {@value
     * #DEFAULT_MAX_USES}); each use also adds one to the RIF it is compared by.
     *
     * @param uses {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code uses < 1}
     */
    public Builder maxUses(int uses) {
      Checks.positive(uses, "maxUses");
      this.maxUses = uses;
      return this;
    }

    /**
     * Usable probes below which the fallback strategy picks (default {@value
     * #DEFAULT_MIN_PROBES}).
     *
     * @param min {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code min < 1}
     */
    public Builder minProbes(int min) {
      Checks.positive(min, "minProbes");
      this.minProbes = min;
      return this;
    }

    /**
     * Probes allowed in flight at once (default twice the pool size), so that a slow prober
     * cannot pile probes up.
     *
     * @param max {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     */
    public Builder maxProbesInFlight(int max) {
      Checks.positive(max, "maxProbesInFlight");
      this.maxProbesInFlight = max;
      return this;
    }

    /**
     * How long an answer stays usable (default 500 ms).
     *
     * @param age {@code > 0}
     * @return this builder
     * @throws NullPointerException if {@code age} is null
     * @throws IllegalArgumentException if {@code age} is not positive
     */
    public Builder maxAge(Duration age) {
      this.maxAge = Checks.positive(age, "maxAge");
      return this;
    }

    /**
     * How often the probe task runs (default 5 ms): probes for the picks since its last run go
     * out together, and expired probes leave the pool.
     *
     * @param interval {@code > 0}
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder probeInterval(Duration interval) {
      this.probeInterval = Checks.positive(interval, "probeInterval");
      return this;
    }

    /**
     * What picks while the pool has fewer than {@link #minProbes} usable probes (default {@link
     * Strategies#peakEwma()}).
     *
     * @param strategy the fallback
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder fallback(Strategy strategy) {
      this.fallback = Checks.notNull(strategy, "fallback");
      return this;
    }

    /**
     * The settings.
     *
     * @return the settings
     * @throws IllegalArgumentException if {@code minProbes} exceeds {@code poolSize}
     */
    public PrequalConfig build() {
      Checks.argument(minProbes <= poolSize, "minProbes", minProbes,
          "<= poolSize " + poolSize);
      return new PrequalConfig(this);
    }
  }
}
