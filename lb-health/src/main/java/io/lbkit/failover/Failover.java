package io.lbkit.failover;

import io.github.resilience4j.retry.RetryConfig;
import io.lbkit.Request;
import io.lbkit.Strategy;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.function.Function;

/**
 * What a {@link LoadBalancer} does around each call: how many attempts, on which servers, in
 * sequence or in parallel. Immutable; one instance may configure any number of balancers.
 *
 * <p>Safety rules common to every mode: a call whose {@link Request#isIdempotent()} is false runs
 * at most once, unless the failure proves the request never left ({@link Outcome#NOT_SENT}) or
 * the mode was told it may repeat such calls; a non-idempotent call that timed out is never
 * repeated, and a non-idempotent call is never hedged or forked. Every extra attempt (retry,
 * hedge, fork, background fail-back) needs the balancer's {@link RetryBudget}. A call that fails
 * after several attempts throws the last error as it was thrown. A call its caller stops (an
 * interrupt, a cancelled future) ends its attempt as a cancel and is not retried.
 */
public abstract sealed class Failover permits StatelessFailover, FailBack, Hedged {

  Failover() {}

  /**
   * One attempt; its error goes to the caller. The default mode.
   *
   * @return the shared fail-fast mode
   */
  public static Failover failFast() {
    return FailFast.INSTANCE;
  }

  /**
   * Dubbo's failover: up to {@code maxAttempts} attempts in all, each on a server not yet tried
   * while one is left, with exponential backoff and jitter between them. See {@link Retry}.
   *
   * @param maxAttempts attempts per call in all, the first included, {@code >= 1}
   * @return the mode, whose {@code with} methods adjust backoff and non-idempotent retries
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public static Retry retry(int maxAttempts) {
    return new Retry(maxAttempts);
  }

  /**
   * A retry run from a user's resilience4j {@link RetryConfig}, across servers: its {@code
   * maxAttempts}, its interval function (given the attempt number and the last error or result),
   * its exception predicate (retry/ignore exceptions), its result predicate with the consumer of a
   * result about to be retried, and {@code failAfterMaxAttempts} (the call then ends with
   * resilience4j's {@code MaxRetriesExceededException}). lbkit's safety rules still hold: a call
   * not marked idempotent is repeated only when the failure proves it never reached the server,
   * and every retry needs the budget. Each retry goes to a server not yet tried, as in {@link
   * #retry(int)}.
   *
   * @param config the resilience4j retry settings
   * @return a retry mode; its {@code backoff} methods replace the config's interval function
   * @throws NullPointerException if {@code config} is null
   */
  public static Retry retry(RetryConfig config) {
    return new Retry(config);
  }

  /**
   * One attempt; a failure (or no server to choose) is logged and {@code null} returned instead.
   *
   * @return a fail-safe mode
   */
  public static Failover failSafe() {
    return new FailSafe(error -> null);
  }

  /**
   * One attempt; a failure is logged and {@code fallback.apply(error)} returned instead. The
   * fallback's value must suit the result type of every call made through the balancer: it is
   * returned unchecked, as Dubbo's fail-safe returns an empty result.
   *
   * @param fallback maps the failure to the result: the error as thrown, a {@link
   *     FailedResultException} for a result judged a failure, or the {@code
   *     NoServerAvailableException} when nothing could be chosen
   * @return a fail-safe mode
   * @throws NullPointerException if {@code fallback} is null
   */
  public static Failover failSafe(Function<? super Throwable, ?> fallback) {
    return new FailSafe(Checks.notNull(fallback, "fallback"));
  }

  /**
   * On failure return {@code fallback.apply(error)} at once and retry the call in the background
   * with backoff. See {@link FailBack} for the bounds.
   *
   * @param fallback maps the failure to the result the caller gets at once (the error, a {@link
   *     FailedResultException}, or the {@code NoServerAvailableException} when nothing could be
   *     chosen, which is not retried)
   * @return the mode, whose methods adjust retries, backoff and the queue bound
   * @throws NullPointerException if {@code fallback} is null
   */
  public static FailBack failBack(Function<? super Throwable, ?> fallback) {
    return new FailBack(Checks.notNull(fallback, "fallback"), FailBack.DEFAULT_MAX_RETRIES,
        FailBack.DEFAULT_BACKOFF, FailBack.DEFAULT_MAX_PENDING);
  }

  /**
   * {@code n} distinct servers in parallel; the first success wins, the others are cancelled.
   * Every copy after the first needs the budget; a non-idempotent call is sent once.
   *
   * @param n copies in all, {@code >= 1}
   * @return the mode
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public static Failover forking(int n) {
    Checks.argument(n >= 1, "forking.n", n, ">= 1");
    return new Forking(n);
  }

  /**
   * Once to every server the selector can choose for the request; fails if any fails. Spends no
   * budget, and sends non-idempotent calls too: each server gets the call once.
   *
   * @return the shared broadcast mode
   */
  public static Failover broadcast() {
    return Broadcast.INSTANCE;
  }

  /**
   * The primary tier (priority 0) while enough of it is available, and a share of the traffic
   * to the next tier in proportion as it is not (Envoy's priority load); a failed attempt is
   * retried once on another server. See {@link #primaryBackup(int)}.
   *
   * @return the mode, with 2 attempts per call and no backoff
   */
  public static Failover primaryBackup() {
    return primaryBackup(PrimaryBackup.DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * As {@link #primaryBackup()}, with up to {@code maxAttempts} attempts per call.
   *
   * @param maxAttempts attempts per call in all, {@code >= 1}
   * @return the mode
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public static Failover primaryBackup(int maxAttempts) {
    return new PrimaryBackup(new Retry(maxAttempts).noBackoff());
  }

  /**
   * After {@code delay} with no answer, a second copy to another server. See {@link Hedged}.
   *
   * @param delay how long to wait for an answer before a copy, in [0, 365 days]
   * @return the mode, whose {@link Hedged#maxAttempts} allows more copies
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative or above 365 days
   */
  public static Hedged hedged(Duration delay) {
    return Hedged.fixed(delay);
  }

  /**
   * Hedging whose delay is the given latency percentile of recent successful attempts, measured
   * live ({@code 0.95} for p95, as The Tail at Scale suggests); {@code initialDelay} applies until
   * enough latencies have been seen.
   *
   * @param percentile in (0, 1)
   * @param initialDelay the delay until 100 latencies have been seen, in [0, 365 days]
   * @return the mode
   * @throws NullPointerException if {@code initialDelay} is null
   * @throws IllegalArgumentException if {@code percentile} is outside (0, 1) or {@code
   *     initialDelay} is negative or above 365 days
   */
  public static Hedged hedgedAtPercentile(double percentile, Duration initialDelay) {
    return Hedged.percentile(percentile, initialDelay);
  }

  /**
   * Read/write splitting: calls whose request {@link Request#isWrite() is a write} go to the
   * primary tier (priority 0) with one attempt; reads go to the replicas (priority > 0, or the
   * primaries when no replica can be chosen), with up to 3 attempts.
   *
   * @return the mode
   */
  public static Failover readWrite() {
    return readWrite(ReadWrite.DEFAULT_READ_ATTEMPTS);
  }

  /**
   * As {@link #readWrite()}, with up to {@code readAttempts} attempts per read.
   *
   * @param readAttempts attempts per read in all, {@code >= 1}
   * @return the mode
   * @throws IllegalArgumentException if {@code readAttempts} is below 1
   */
  public static Failover readWrite(int readAttempts) {
    Checks.argument(readAttempts >= 1, "readAttempts", readAttempts, ">= 1");
    return new ReadWrite(new Retry(readAttempts).noBackoff());
  }

  /** This mode for one balancer, with whatever state it keeps per balancer. */
  abstract Mode bind(Engine engine);

  /**
   * {@return whether this mode may send one call to more than one server other than by retrying
   * after a failure}: parallel copies ({@code hedged}, {@code forking}), every server ({@code
   * broadcast}) or background retries after the call returned ({@code failBack}). An adapter that
   * can only make one exchange at a time, such as an OkHttp interceptor, cannot run these.
   */
  public boolean sendsCopies() {
    return false;
  }

  /** The strategy the balancer's selector should use; tiered modes wrap the user's. */
  Strategy wrap(Strategy strategy) {
    return strategy;
  }
}
