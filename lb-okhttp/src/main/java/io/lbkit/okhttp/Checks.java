package io.lbkit.okhttp;

import java.time.Duration;

/**
 * Argument checks with lbkit's message shape, {@code "name: value (expected: ...)"}. lb-core's
 * helper is not exported to this module, and lb-http's is package-private there: this is a third
 * small copy, on purpose, rather than a new exported API.
 */
final class Checks {
  private static final Duration MAX = Duration.ofDays(365);

  private Checks() {}

  static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    return value;
  }

  static void argument(boolean valid, String name, Object value, String expectation) {
    if (!valid) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expectation + ")");
    }
  }

  static void state(boolean valid, String name, Object value, String expectation) {
    if (!valid) {
      throw new IllegalStateException(name + ": " + value + " (expected: " + expectation + ")");
    }
  }

  /** {@code d} if in [{@code min}, 365 days]. */
  static Duration range(Duration d, String name, Duration min) {
    notNull(d, name);
    argument(d.compareTo(min) >= 0 && d.compareTo(MAX) <= 0, name, d,
        "in [" + min + ", " + MAX + "]");
    return d;
  }
}
