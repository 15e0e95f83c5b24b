package io.lbkit.internal;

import java.time.Duration;

/**
 * Argument checks whose messages name the field, the value and what was expected, in the shape
 * {@code "weight: -1 (expected: >= 0)"}. Every public entry point validates through these.
 */
public final class Checks {
  private Checks() {}

  /** Throws {@link NullPointerException} {@code "name: null (expected: non-null)"} if null. */
  public static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + ": null (expected: non-null)");
    }
    return value;
  }

  /** Throws {@link IllegalArgumentException} {@code "name: value (expected: expectation)"}. */
  public static void argument(boolean valid, String name, Object value, String expectation) {
    if (!valid) {
      throw new IllegalArgumentException(describe(name, value, expectation));
    }
  }

  /** Throws {@link IllegalStateException} {@code "name: value (expected: expectation)"}. */
  public static void state(boolean valid, String name, Object value, String expectation) {
    if (!valid) {
      throw new IllegalStateException(describe(name, value, expectation));
    }
  }

  /**
   * The one rule for every duration setting in lbkit: at most 365 days. No setting means anything
   * beyond that, and the bound keeps every sum of a clock reading and a setting, and every
   * conversion to nanoseconds, far from overflowing a {@code long}.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  /** A duration in (0, {@link #MAX_DURATION}]. */
  public static Duration positive(Duration d, String name) {
    notNull(d, name);
    argument(!d.isNegative() && !d.isZero(), name, d, "> 0");
    return atMostMax(d, name);
  }

  /** A duration in [0, {@link #MAX_DURATION}]. */
  public static Duration nonNegative(Duration d, String name) {
    notNull(d, name);
    argument(!d.isNegative(), name, d, ">= 0");
    return atMostMax(d, name);
  }

  private static Duration atMostMax(Duration d, String name) {
    argument(d.compareTo(MAX_DURATION) <= 0, name, d, "<= " + MAX_DURATION + " (365 days)");
    return d;
  }

  public static int nonNegative(int value, String name) {
    argument(value >= 0, name, value, ">= 0");
    return value;
  }

  public static long nonNegative(long value, String name) {
    argument(value >= 0, name, value, ">= 0");
    return value;
  }

  public static int positive(int value, String name) {
    argument(value > 0, name, value, "> 0");
    return value;
  }

  public static long positive(long value, String name) {
    argument(value > 0, name, value, "> 0");
    return value;
  }

  public static double positive(double value, String name) {
    argument(value > 0 && Double.isFinite(value), name, value, "> 0 and finite");
    return value;
  }

  public static String notBlank(String value, String name) {
    notNull(value, name);
    argument(!value.isBlank(), name, quote(value), "non-blank");
    return value;
  }

  /** The standard message shape, for callers that build their own exception. */
  public static String describe(String name, Object value, String expectation) {
    return name + ": " + value + " (expected: " + expectation + ")";
  }

  public static String quote(String s) {
    return '"' + s + '"';
  }
}
