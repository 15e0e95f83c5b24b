package io.lbkit.failover;

/**
 * Implemented by an attempt's result or error that knows when the call may be tried again, as an
 * HTTP {@code Retry-After} header says: {@link Retry} then waits this long before the next
 * attempt instead of its own backoff, or makes no further attempt at all. Client adapters (lb-http)
 * return such results; a plain call never needs to.
 *
 * <p>Only the wait changes: the safety rules, the attempt count and the budget still decide
 * whether there is a next attempt. Modes that do not wait between attempts ({@code hedged},
 * {@code forking}) ignore the hint.
 *
 * <p>Threading: {@link #retryDelayNanos()} is called once per ended attempt, on the thread that
 * ended it; it must be fast and must not block.
 */
public interface RetryHint {
  /** {@link #retryDelayNanos()}'s answer for "no hint": the mode's own backoff applies. */
  long NO_HINT = -1L;

  /**
   * {@link #retryDelayNanos()}'s answer for "do not try again": the wait asked for is longer than
   * the call can afford (past its deadline), so the call ends with this attempt's outcome.
   */
  long NO_RETRY = Long.MAX_VALUE;

  /**
   * The wait before the call's next attempt.
   *
   * @return nanoseconds to wait ({@code >= 0}), {@link #NO_HINT} or {@link #NO_RETRY}; any other
   *     negative value counts as {@link #NO_HINT}
   */
  long retryDelayNanos();
}
