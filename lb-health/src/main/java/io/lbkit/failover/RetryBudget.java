package io.lbkit.failover;

import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import java.time.Duration;

/**
 * The one allowance for extra attempts, shared by retries, hedges and forks (and by every
 * balancer given the same instance), so that a retry storm cannot multiply the load on a failing
 * cluster by more than the budget allows.
 *
 * <p>The balancer reports each original call ({@link #onRequest}), each attempt's outcome ({@link
 * #onSuccess}, {@link #onFailure}), and asks {@link #tryAcquire} before every extra attempt: a
 * retry, a hedged copy, a forked copy, a background fail-back retry. The first attempt of a call
 * never needs the budget.
 *
 * <p>Threading: every method is thread-safe and lock-free.
 */
public abstract sealed class RetryBudget
    permits TokenBucketBudget, PercentageBudget, UnlimitedBudget {

  /** Finagle's default share of requests that may be retried: 20%. */
  public static final double DEFAULT_PERCENT = 0.2;
  /** Finagle's default floor: 10 retries per second whatever the traffic. */
  public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;
  /** Finagle's default window over which requests and retries are counted: 10 s. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  RetryBudget() {}

  /**
   * gRPC's retry throttling: a bucket that starts full at {@code maxTokens}, loses 1 token per
   * failed attempt and gains {@code tokenRatio} per successful one, never leaving [0, maxTokens];
   * extra attempts are allowed only while the tokens are above {@code maxTokens / 2}. Tokens are
   * kept to three decimals, as gRPC does.
   *
   * @param maxTokens in [0.001, 1000]: tokens are kept to three decimals, so less is nothing
   * @param tokenRatio in [0.001, maxTokens]; gRPC allows (0, 1]
   * @return a new budget, full
   * @throws IllegalArgumentException if a setting is out of range
   */
  public static RetryBudget tokenBucket(double maxTokens, double tokenRatio) {
    Checks.argument(maxTokens >= 0.001 && maxTokens <= 1000, "maxTokens", maxTokens,
        "in [0.001, 1000]");
    Checks.argument(tokenRatio >= 0.001 && tokenRatio <= maxTokens, "tokenRatio", tokenRatio,
        "in [0.001, maxTokens]");
    return new TokenBucketBudget(maxTokens, tokenRatio);
  }

  /**
   * Finagle's retry budget on the system ticker: extra attempts may add {@code percent} of the
   * calls made in the last {@code ttl}, plus {@code minRetriesPerSecond} per second of it.
   *
   * @param percent the share of calls that may be repeated, as a fraction (0.2 for 20%), in [0,
   *     1000]
   * @param minRetriesPerSecond the floor, {@code >= 0}; with {@code percent} 0 it must be above 0
   * @param ttl the window, in [1 s, 60 s]
   * @return a new budget
   * @throws NullPointerException if {@code ttl} is null
   * @throws IllegalArgumentException if a setting is out of range, or both {@code percent} and
   *     {@code minRetriesPerSecond} are 0
   */
  public static RetryBudget percentage(double percent, int minRetriesPerSecond, Duration ttl) {
    return percentage(percent, minRetriesPerSecond, ttl, Ticker.system());
  }

  /**
   * As {@link #percentage(double, int, Duration)}, on {@code ticker}.
   *
   * @param percent the share of calls that may be repeated, as a fraction (0.2 for 20%), in [0,
   *     1000]
   * @param minRetriesPerSecond the floor, {@code >= 0}; with {@code percent} 0 it must be above 0
   * @param ttl the window, in [1 s, 60 s]
   * @param ticker the clock of the window
   * @return a new budget
   * @throws NullPointerException if {@code ttl} or {@code ticker} is null
   * @throws IllegalArgumentException if a setting is out of range, or both {@code percent} and
   *     {@code minRetriesPerSecond} are 0
   */
  public static RetryBudget percentage(double percent, int minRetriesPerSecond, Duration ttl,
      Ticker ticker) {
    Checks.argument(percent >= 0 && percent <= 1000, "percent", percent, "in [0, 1000]");
    Checks.nonNegative(minRetriesPerSecond, "minRetriesPerSecond");
    Checks.notNull(ttl, "ttl");
    Checks.argument(ttl.compareTo(Duration.ofSeconds(1)) >= 0
        && ttl.compareTo(Duration.ofSeconds(60)) <= 0, "ttl", ttl, "in [1s, 60s]");
    Checks.argument(percent > 0 || minRetriesPerSecond > 0, "percent", percent,
        "> 0 when minRetriesPerSecond is 0");
    return new PercentageBudget(percent, minRetriesPerSecond, ttl, Checks.notNull(ticker,
        "ticker"));
  }

  /**
   * The default budget: {@code percentage(0.2, 10, 10 s)} on {@code ticker}.
   *
   * @param ticker the clock of the window
   * @return a new budget
   * @throws NullPointerException if {@code ticker} is null
   */
  public static RetryBudget defaults(Ticker ticker) {
    return percentage(DEFAULT_PERCENT, DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_TTL, ticker);
  }

  /**
   * No limit at all; for tests and for callers that bound retries elsewhere.
   *
   * @return the shared unlimited budget
   */
  public static RetryBudget unlimited() {
    return UnlimitedBudget.INSTANCE;
  }

  /** An original call (not a retry) is made. */
  public abstract void onRequest();

  /**
   * {@link #onRequest()} with a reading of {@code clock} the balancer already took (the first
   * attempt's start), so that a budget on the same clock need not read it again.
   */
  void onRequest(Ticker clock, long nowNanos) {
    onRequest();
  }

  /** An attempt succeeded. */
  public abstract void onSuccess();

  /** An attempt failed. */
  public abstract void onFailure();

  /**
   * Asks for one extra attempt now; a true answer may spend part of the budget.
   *
   * @return true when the extra attempt may be made
   */
  public abstract boolean tryAcquire();
}
