package io.lbkit.health;

import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * Active checks (HAProxy's {@code inter}, {@code rise}, {@code fall}): {@code check} runs for every
 * pool member every {@code interval} + random(0, {@code jitter}); {@code fall} failed checks in a
 * row take a server out (for as long as its checks fail, whatever the max-ejection share), {@code
 * rise} passes in a row bring it back, and also end a passive ejection early. A check not answered
 * within {@code timeout} counts as failed. Servers start out healthy. Absent from a {@link
 * HealthConfig}, nothing is checked.
 *
 * @param check the probe
 * @param interval between checks of one server (default 2 s)
 * @param timeout at most {@code interval} (default 1 s)
 * @param jitter below {@code interval} (default 200 ms)
 * @param rise passes in a row that restore (default 2)
 * @param fall failures in a row that eject (default 3)
 */
public record ActiveChecks(HealthCheck check, Duration interval, Duration timeout,
    Duration jitter, int rise, int fall) {
  /** Time between two checks of one server, by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  /** Time a check may take before it counts as failed, by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** Upper bound of the random extra added to each interval, by default. */
  public static final Duration DEFAULT_JITTER = Duration.ofMillis(200);
  /** Passes in a row that restore a server, by default. */
  public static final int DEFAULT_RISE = 2;
  /** Failures in a row that take a server out, by default. */
  public static final int DEFAULT_FALL = 3;

  /**
   * Validates every setting.
   *
   * @param check the probe
   * @param interval between checks of one server, in (0, 365 days]
   * @param timeout in (0, {@code interval}]
   * @param jitter in [0, {@code interval})
   * @param rise passes in a row that restore, {@code > 0}
   * @param fall failures in a row that eject, {@code > 0}
   * @throws NullPointerException if {@code check} or a duration is null
   * @throws IllegalArgumentException if a setting is out of range, the jitter is not below the
   *     interval or the timeout is above it
   */
  public ActiveChecks {
    Checks.notNull(check, "check");
    Checks.positive(interval, "interval");
    Checks.positive(timeout, "timeout");
    Checks.nonNegative(jitter, "jitter");
    Checks.positive(rise, "rise");
    Checks.positive(fall, "fall");
    Checks.argument(jitter.compareTo(interval) < 0, "jitter", jitter, "< interval " + interval);
    Checks.argument(timeout.compareTo(interval) <= 0, "timeout", timeout,
        "<= interval " + interval);
  }

  /**
   * {@code check} with the defaults: every 2 s + up to 200 ms, 1 s timeout, rise 2, fall 3.
   *
   * @param check the probe
   * @return the settings
   * @throws NullPointerException if {@code check} is null
   */
  public static ActiveChecks of(HealthCheck check) {
    return builder(check).build();
  }

  /**
   * A builder for {@code check}, starting from the defaults.
   *
   * @param check the probe
   * @return a new builder
   * @throws NullPointerException if {@code check} is null
   */
  public static Builder builder(HealthCheck check) {
    return new Builder(Checks.notNull(check, "check"));
  }

  /** Builds {@link ActiveChecks}; each setter validates at once, {@code build()} the rest. */
  public static final class Builder {
    private final HealthCheck check;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration jitter = DEFAULT_JITTER;
    private int rise = DEFAULT_RISE;
    private int fall = DEFAULT_FALL;

    private Builder(HealthCheck check) {
      this.check = check;
    }

    /**
     * Sets the time between two checks of one server (default 2 s).
     *
     * @param d in (0, 365 days]
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder interval(Duration d) {
      interval = Checks.positive(d, "interval");
      return this;
    }

    /**
     * Sets how long a check may take before it counts as failed (default 1 s).
     *
     * @param d in (0, 365 days], at most the interval (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is zero, negative or above 365 days
     */
    public Builder timeout(Duration d) {
      timeout = Checks.positive(d, "timeout");
      return this;
    }

    /**
     * Sets the bound of the random extra added to each interval (default 200 ms).
     *
     * @param d in [0, 365 days], below the interval (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalArgumentException if {@code d} is negative or above 365 days
     */
    public Builder jitter(Duration d) {
      jitter = Checks.nonNegative(d, "jitter");
      return this;
    }

    /**
     * Sets how many passes in a row restore a server (default 2).
     *
     * @param n {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public Builder rise(int n) {
      rise = Checks.positive(n, "rise");
      return this;
    }

    /**
     * Sets how many failures in a row take a server out (default 3).
     *
     * @param n {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public Builder fall(int n) {
      fall = Checks.positive(n, "fall");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     * @throws IllegalArgumentException when the jitter or the timeout does not fit the interval
     */
    public ActiveChecks build() {
      return new ActiveChecks(check, interval, timeout, jitter, rise, fall);
    }
  }
}
