package io.lbkit;

/**
 * A source of monotonic time in nanoseconds. Every time-dependent decision in lbkit (latency,
 * ejection, backoff, slow start, EWMA decay) reads an injected ticker, so tests drive time with a
 * manual ticker (lb-testing's {@code ManualTicker}) instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** {@return nanoseconds since an arbitrary origin} Only differences are meaningful. */
  long read();

  /**
   * The ticker backed by {@link System#nanoTime()}.
   *
   * @return the shared instance
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
