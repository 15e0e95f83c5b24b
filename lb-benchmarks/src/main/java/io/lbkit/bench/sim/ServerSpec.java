package io.lbkit.bench.sim;

/**
 * One simulated server's fixed traits.
 *
 * <p>{@code capacity} calls are served at once; more wait in a FIFO queue (so latency grows with
 * load, as in an M/G/c queue) up to {@code queueLimit}, past which a call is rejected at once (an
 * overload 503). A server that (re)starts is cold: its service times are multiplied by
 * {@code warmupFactor}, falling linearly to 1 over {@code warmupMillis} (JIT, caches, pools).
 *
 * @param id the lbkit server id
 * @param service service-time distribution when up and not slowed
 * @param capacity concurrent calls served (>= 1)
 * @param queueLimit calls waiting beyond {@code capacity} before rejecting (>= 0)
 * @param warmupFactor service-time multiplier right after a start (>= 1; 1 = no warm-up)
 * @param warmupMillis how long the warm-up lasts
 */
public record ServerSpec(String id, ServiceTime service, int capacity, int queueLimit,
    double warmupFactor, long warmupMillis) {

  public static final int DEFAULT_CAPACITY = 32;
  public static final int DEFAULT_QUEUE_LIMIT = 1000;

  public ServerSpec {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    if (queueLimit < 0) {
      throw new IllegalArgumentException("queueLimit: " + queueLimit + " (expected: >= 0)");
    }
    if (!(warmupFactor >= 1)) {
      throw new IllegalArgumentException("warmupFactor: " + warmupFactor + " (expected: >= 1)");
    }
  }

  /** A warm server with the default capacity and queue. */
  public static ServerSpec of(String id, ServiceTime service) {
    return new ServerSpec(id, service, DEFAULT_CAPACITY, DEFAULT_QUEUE_LIMIT, 1.0, 0);
  }

  public ServerSpec withCapacity(int capacity) {
    return new ServerSpec(id, service, capacity, queueLimit, warmupFactor, warmupMillis);
  }

  public ServerSpec withWarmup(double factor, long millis) {
    return new ServerSpec(id, service, capacity, queueLimit, factor, millis);
  }

  /** The service-time multiplier {@code ageNanos} after a start. */
  double warmupMultiplier(long ageNanos) {
    if (warmupFactor == 1.0 || warmupMillis <= 0) {
      return 1.0;
    }
    double left = 1.0 - ageNanos / (warmupMillis * 1e6);
    return left <= 0 ? 1.0 : 1.0 + (warmupFactor - 1.0) * left;
  }
}
