package io.lbkit.internal;

import java.time.Duration;

/**
 * Argument checks whose messages name the field, the value and what was expected, in the shape
 * {@code "weight: -1 (expected: >= 0)"}. Every public entry point validates through these.
 */
public final class Checks {
  private Checks() {}

  /**
   * Rejects null.
   *
   * @param <T> the value's type
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws NullPointerException {@code "name: null (expected: non-null)"} if {@code value} is
   *     null
   */
  public static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + ": null (expected: non-null)");
    }
    return value;
  }

  /**
   * Rejects an invalid argument.
   *
   * @param valid whether the argument is valid
   * @param name the field's name, for the message
   * @param value the value, for the message
   * @param expectation what a valid value looks like, for the message
   * @throws IllegalArgumentException {@code "name: value (expected: expectation)"} if not {@code
   *     valid}
   */
  public static void argument(boolean valid, String name, Object value, String expectation) {
    if (!valid) {
      throw new IllegalArgumentException(describe(name, value, expectation));
    }
  }

  /**
   * Rejects an invalid state (a builder missing a setting, conflicting settings).
   *
   * @param valid whether the state is valid
   * @param name the field's name, for the message
   * @param value the value, for the message
   * @param expectation what a valid state looks like, for the message
   * @throws IllegalStateException {@code "name: value (expected: expectation)"} if not {@code
   *     valid}
   */
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

  /**
   * Accepts a duration in (0, {@link #MAX_DURATION}].
   *
   * @param d the duration to check
   * @param name the field's name, for the message
   * @return {@code d}
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is zero, negative or above the maximum
   */
  public static Duration positive(Duration d, String name) {
    notNull(d, name);
    argument(!d.isNegative() && !d.isZero(), name, d, "> 0");
    return atMostMax(d, name);
  }

  /**
   * Accepts a duration in [0, {@link #MAX_DURATION}].
   *
   * @param d the duration to check
   * @param name the field's name, for the message
   * @return {@code d}
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is negative or above the maximum
   */
  public static Duration nonNegative(Duration d, String name) {
    notNull(d, name);
    argument(!d.isNegative(), name, d, ">= 0");
    return atMostMax(d, name);
  }

  /**
   * Accepts a duration in [{@code min}, {@link #MAX_DURATION}].
   *
   * @param d the duration to check
   * @param name the field's name, for the message
   * @param min the least duration accepted
   * @return {@code d}
   * @throws NullPointerException if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is below {@code min} or above the maximum
   */
  public static Duration range(Duration d, String name, Duration min) {
    notNull(d, name);
    argument(d.compareTo(min) >= 0 && d.compareTo(MAX_DURATION) <= 0, name, d,
        "in [" + min + ", " + MAX_DURATION + "]");
    return d;
  }

  private static Duration atMostMax(Duration d, String name) {
    argument(d.compareTo(MAX_DURATION) <= 0, name, d, "<= " + MAX_DURATION + " (365 days)");
    return d;
  }

  /**
   * Accepts an int {@code >= 0}.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public static int nonNegative(int value, String name) {
    argument(value >= 0, name, value, ">= 0");
    return value;
  }

  /**
   * Accepts a long {@code >= 0}.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public static long nonNegative(long value, String name) {
    argument(value >= 0, name, value, ">= 0");
    return value;
  }

  /**
   * Accepts an int {@code > 0}.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public static int positive(int value, String name) {
    argument(value > 0, name, value, "> 0");
    return value;
  }

  /**
   * Accepts a long {@code > 0}.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public static long positive(long value, String name) {
    argument(value > 0, name, value, "> 0");
    return value;
  }

  /**
   * Accepts a finite double {@code > 0}.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is not above 0, infinite or NaN
   */
  public static double positive(double value, String name) {
    argument(value > 0 && Double.isFinite(value), name, value, "> 0 and finite");
    return value;
  }

  /**
   * Accepts a string with at least one non-whitespace character.
   *
   * @param value the value to check
   * @param name the field's name, for the message
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is empty or whitespace only
   */
  public static String notBlank(String value, String name) {
    notNull(value, name);
    argument(!value.isBlank(), name, quote(value), "non-blank");
    return value;
  }

  /**
   * The standard message shape, for callers that build their own exception.
   *
   * @param name the field's name
   * @param value the value
   * @param expectation what a valid value looks like
   * @return {@code "name: value (expected: expectation)"}
   */
  public static String describe(String name, Object value, String expectation) {
    return name + ": " + value + " (expected: " + expectation + ")";
  }

  /**
   * Quotes a string value for a message, so that blanks and empty strings show.
   *
   * @param s the value
   * @return {@code s} in double quotes
   */
  public static String quote(String s) {
    return '"' + s + '"';
  }
}
