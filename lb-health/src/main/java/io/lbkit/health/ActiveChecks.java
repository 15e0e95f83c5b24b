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
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_JITTER = Duration.ofMillis(200);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;

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

  /** {@code check} with the defaults: every 2 s + up to 200 ms, 1 s timeout, rise 2, fall 3. */
  public static ActiveChecks of(HealthCheck check) {
    return builder(check).build();
  }

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

    public Builder interval(Duration d) {
      interval = Checks.positive(d, "interval");
      return this;
    }

    public Builder timeout(Duration d) {
      timeout = Checks.positive(d, "timeout");
      return this;
    }

    public Builder jitter(Duration d) {
      jitter = Checks.nonNegative(d, "jitter");
      return this;
    }

    public Builder rise(int n) {
      rise = Checks.positive(n, "rise");
      return this;
    }

    public Builder fall(int n) {
      fall = Checks.positive(n, "fall");
      return this;
    }

    /** @throws IllegalArgumentException when the jitter or the timeout does not fit the interval */
    public ActiveChecks build() {
      return new ActiveChecks(check, interval, timeout, jitter, rise, fall);
    }
  }
}
