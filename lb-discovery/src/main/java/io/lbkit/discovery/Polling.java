package io.lbkit.discovery;

import io.lbkit.RandomSource;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * When a polling source ({@link PollingSource}, {@link DnsSource}) looks up again: an immutable
 * value, validated when built.
 *
 * <ul>
 *   <li>After an answer with a time to live (DNS records), after that TTL clamped to [{@link
 *       #minTtl()}, {@link #maxTtl()}]: the floor keeps a TTL of 0 from turning into a busy loop,
 *       the ceiling bounds how long a long-lived record can hide a change.
 *   <li>After an answer without one (a user function), after {@link #interval()}.
 *   <li>After a failure or an empty answer, after a backoff that doubles from {@link
 *       #initialBackoff()} up to {@link #maxBackoff()}, each wait drawn within &plusmn;20% so that
 *       clients that failed together do not retry together. An empty answer is retried this way
 *       because the binder keeps the last list anyway and a name that has no servers yet (a
 *       service being deployed) should be seen soon.
 *   <li>A lookup that has not answered after {@link #timeout()} counts as failed.
 * </ul>
 *
 * <p>Defaults, and where they come from: TTL clamped to [1 s, 60 s] (Armeria's DNS endpoint group
 * has the same 1 s floor; the JDK's own DNS cache keeps 30 s); 30 s without a TTL (the Eureka
 * client's registry fetch interval); backoff 1 s doubling to 30 s with 20% jitter (gRPC's
 * resolver backoff starts at 1 s with 20% jitter, Armeria's doubles to 32 s); 5 s timeout.
 */
public final class Polling {
  /** Wait after an answer without a TTL: 30 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** Floor of a TTL-driven wait: 1 s. */
  public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(1);
  /** Ceiling of a TTL-driven wait: 60 s. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofSeconds(60);
  /** First wait after a failure: 1 s. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  /** Longest wait after failures: 30 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** How long a lookup may take: 5 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Each backoff wait is drawn from [base x (1 - JITTER), base x (1 + JITTER)], then capped. */
  static final double JITTER = 0.2;

  private static final Polling DEFAULTS = builder().build();

  private final Duration interval;
  private final Duration minTtl;
  private final Duration maxTtl;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration timeout;

  private Polling(Builder b) {
    this.interval = b.interval;
    this.minTtl = b.minTtl;
    this.maxTtl = b.maxTtl;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.timeout = b.timeout;
  }

  /** {@return the defaults listed above} */
  public static Polling defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults, looking up every {@code interval} when answers carry no TTL.
   *
   * @param interval the wait after an answer without a TTL, in (0, 365 days]
   * @return the settings
   * @throws NullPointerException if {@code interval} is null
   * @throws IllegalArgumentException if {@code interval} is out of range
   */
  public static Polling every(Duration interval) {
    return builder().interval(interval).build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the wait after an answer without a TTL} */
  public Duration interval() {
    return interval;
  }

  /** {@return the shortest wait a TTL gives} */
  public Duration minTtl() {
    return minTtl;
  }

  /** {@return the longest wait a TTL gives} */
  public Duration maxTtl() {
    return maxTtl;
  }

  /** {@return the wait after the first failure in a row} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the longest wait after failures} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return how long one lookup may take before it counts as failed} */
  public Duration timeout() {
    return timeout;
  }

  /** The wait after a good answer whose TTL is {@code ttl} (null: the answer has none). */
  long afterAnswerNanos(Duration ttl) {
    if (ttl == null) {
      return interval.toNanos();
    }
    long t = ttl.isNegative() ? 0 : Math.min(ttl.toNanos(), maxTtl.toNanos());
    return Math.max(minTtl.toNanos(), t);
  }

  /** The wait after {@code failures} (>= 1) failed or empty answers in a row. */
  long backoffNanos(int failures, RandomSource random) {
    double base = initialBackoff.toNanos() * Math.pow(2, Math.min(failures - 1, 62));
    double jittered = base * (1 - JITTER + 2 * JITTER * random.nextDouble());
    return (long) Math.min(jittered, maxBackoff.toNanos());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Polling)) {
      return false;
    }
    Polling p = (Polling) o;
    return interval.equals(p.interval) && minTtl.equals(p.minTtl) && maxTtl.equals(p.maxTtl)
        && initialBackoff.equals(p.initialBackoff) && maxBackoff.equals(p.maxBackoff)
        && timeout.equals(p.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, minTtl, maxTtl, initialBackoff, maxBackoff, timeout);
  }

  @Override
  public String toString() {
    return "Polling{interval=" + interval + ", ttl=[" + minTtl + ", " + maxTtl + "], backoff=["
        + initialBackoff + ", " + maxBackoff + "], timeout=" + timeout + '}';
  }

  /** Builds {@link Polling}; each setter checks its argument, {@link #build} their relations. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private Duration minTtl = DEFAULT_MIN_TTL;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * Sets the wait after an answer without a TTL (default 30 s).
     *
     * @param interval in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder interval(Duration interval) {
      this.interval = Checks.positive(interval, "interval");
      return this;
    }

    /**
     * Sets the range a TTL is clamped to (default [1 s, 60 s]).
     *
     * @param min the shortest wait, in (0, 365 days]
     * @param max the longest wait, in [{@code min}, 365 days]
     * @return this builder
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if either is out of range or {@code max < min}
     */
    public Builder ttlBounds(Duration min, Duration max) {
      Checks.positive(min, "minTtl");
      Checks.positive(max, "maxTtl");
      Checks.argument(max.compareTo(min) >= 0, "maxTtl", max, ">= minTtl " + min);
      this.minTtl = min;
      this.maxTtl = max;
      return this;
    }

    /**
     * Sets the backoff after failures (default 1 s doubling to 30 s).
     *
     * @param initial the wait after the first failure, in (0, 365 days]
     * @param max the longest wait, in [{@code initial}, 365 days]
     * @return this builder
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if either is out of range or {@code max < initial}
     */
    public Builder backoff(Duration initial, Duration max) {
      Checks.positive(initial, "initialBackoff");
      Checks.positive(max, "maxBackoff");
      Checks.argument(max.compareTo(initial) >= 0, "maxBackoff", max,
          ">= initialBackoff " + initial);
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets how long one lookup may take (default 5 s).
     *
     * @param timeout in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /** {@return the settings} */
    public Polling build() {
      return new Polling(this);
    }
  }
}
