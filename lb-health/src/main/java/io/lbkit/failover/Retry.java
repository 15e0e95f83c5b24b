package io.lbkit.failover;

import io.github.resilience4j.retry.RetryConfig;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's failover mode, with the safety rules Dubbo lacks: up to {@code maxAttempts} attempts
 * per call, each on a server not tried yet by this call while one is available (the request is
 * re-chosen with {@link Request#excluding}, so every retry sees the current pool and health);
 * once every available server has been tried, any server but the last one to fail (and, in a
 * pool of one, that one again). Between attempts it waits an exponential backoff with jitter
 * (default 25 ms doubling to at most 250 ms, ±50%), on the caller's thread through the
 * balancer's {@link Scheduler} for {@code execute}, and on a timer for {@code executeAsync}.
 *
 * <p>An attempt is repeated only if the failure allows it ({@link Failover} safety rules) and the
 * {@link RetryBudget} grants it. When the attempts are spent, the caller gets the last outcome:
 * the last error as it was thrown, or the last result if the last attempt returned
 * one classified as a failure. An attempt whose result or error is a {@link RetryHint} (an HTTP
 * {@code Retry-After}) sets the wait before the next attempt itself, or forbids one. Immutable:
 * the {@code with} methods return a new instance.
 */
public final class Retry extends StatelessFailover {
  /** The wait before the first retry, by default (before jitter). */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(25);
  /** The cap on the wait between retries, by default (before jitter). */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(250);
  /** The factor from one wait to the next, by default. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** The jitter, by default: each wait is the backoff × a uniform factor in [0.5, 1.5]. */
  public static final double DEFAULT_JITTER = 0.5;

  private final int maxAttempts;
  private final Backoff backoff;
  private final boolean nonIdempotent;
  private final RetryConfigRules config; // null unless made from a resilience4j RetryConfig

  Retry(int maxAttempts) {
    this(checkAttempts(maxAttempts), Backoff.of(DEFAULT_INITIAL_BACKOFF, DEFAULT_MULTIPLIER,
        DEFAULT_MAX_BACKOFF, DEFAULT_JITTER), false, null);
  }

  /** A user's resilience4j config: its attempts, interval function and predicates. */
  Retry(RetryConfig config) {
    this(checkAttempts(Checks.notNull(config, "retryConfig").getMaxAttempts()), Backoff.NONE,
        false, RetryConfigRules.of(config));
  }

  private Retry(int maxAttempts, Backoff backoff, boolean nonIdempotent,
      RetryConfigRules config) {
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.nonIdempotent = nonIdempotent;
    this.config = config;
  }

  private static int checkAttempts(int maxAttempts) {
    Checks.argument(maxAttempts >= 1, "maxAttempts", maxAttempts, ">= 1");
    return maxAttempts;
  }

  /**
   * This mode with exponential backoff from {@code initial}, doubling, capped at {@code max}, and
   * the same jitter. On a retry made from a {@link RetryConfig}, this replaces the config's
   * interval function.
   *
   * @param initial the first wait: 0 for none, else in [1 ms, 365 days]
   * @param max the cap, in [{@code initial}, 365 days]
   * @return a new mode; this one is unchanged
   * @throws NullPointerException if {@code initial} or {@code max} is null
   * @throws IllegalArgumentException if {@code initial} is between 0 and 1 ms, {@code max} is
   *     below {@code initial}, or a duration is negative or above 365 days
   */
  public Retry backoff(Duration initial, Duration max) {
    return backoff(initial, DEFAULT_MULTIPLIER, max);
  }

  /**
   * This mode with exponential backoff from {@code initial}, times {@code multiplier} per retry,
   * capped at {@code max}, and the same jitter.
   *
   * @param initial the first wait: 0 for none, else in [1 ms, 365 days]
   * @param multiplier the factor from one wait to the next, {@code >= 1} and finite
   * @param max the cap, in [{@code initial}, 365 days]
   * @return a new mode; this one is unchanged
   * @throws NullPointerException if {@code initial} or {@code max} is null
   * @throws IllegalArgumentException if a setting is out of range or {@code max} is below {@code
   *     initial}
   */
  public Retry backoff(Duration initial, double multiplier, Duration max) {
    return new Retry(maxAttempts, Backoff.of(initial, multiplier, max, backoff.jitter()),
        nonIdempotent, config == null ? null : config.withoutInterval());
  }

  /**
   * This mode with another jitter: each wait is the backoff × a uniform factor in [1 − jitter,
   * 1 + jitter].
   *
   * @param jitter in [0, 1]; 0 waits exactly the backoff
   * @return a new mode; this one is unchanged
   * @throws IllegalArgumentException if {@code jitter} is outside [0, 1]
   */
  public Retry jitter(double jitter) {
    return new Retry(maxAttempts, backoff.withJitter(jitter), nonIdempotent, config);
  }

  /**
   * This mode retrying at once, without waiting.
   *
   * @return a new mode; this one is unchanged
   */
  public Retry noBackoff() {
    return new Retry(maxAttempts, backoff.withoutWaits(), nonIdempotent,
        config == null ? null : config.withoutInterval());
  }

  /**
   * Opts in to retrying non-idempotent calls after failures other than timeouts (the caller
   * knows the server deduplicates). Timeouts of non-idempotent calls are still never retried.
   *
   * @return a new mode; this one is unchanged
   */
  public Retry retryNonIdempotent() {
    return new Retry(maxAttempts, backoff, true, config);
  }

  /** {@return the attempts per call in all, the first included} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** A single attempt: what fail-fast's asynchronous path runs. */
  static final Retry ONCE = new Retry(1, Backoff.NONE, false, null);

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    return runSync(engine, request, call, this);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return runAsync(engine, request, call, this);
  }

  /**
   * The one retry decision, for the blocking and the asynchronous loop: after attempt number
   * {@code attempt} ended, whether another is made. A success, an abandoned call (interrupted or
   * cancelled by its caller), an {@link Error}, the last attempt or a failure the safety rules
   * forbid repeating ends the call; otherwise the budget decides (and is spent on a yes).
   */
  boolean another(Engine engine, Request request, int attempt, CallAttempt ended) {
    if (ended.abandoned || ended.error instanceof Error || attempt >= maxAttempts) {
      return false;
    }
    boolean safe = ended.outcome.isSuccess()
        ? config != null && (request.isIdempotent() || nonIdempotent) // a result to retry on
        : Engine.mayRepeat(request, ended.outcome, nonIdempotent);
    if (!safe || hintNanos(ended) == RetryHint.NO_RETRY
        || (config != null && !config.wants(ended)) || !engine.acquireBudget(AttemptKind.RETRY)) {
      return false;
    }
    if (config != null) {
      config.beforeRetry(attempt, ended);
    }
    return true;
  }

  /**
   * The wait before attempt number {@code attempt + 1}: the ended attempt's {@link RetryHint} if
   * it gives one, else the config's interval function or this mode's backoff.
   */
  long backoffNanos(Engine engine, int attempt, CallAttempt ended) {
    long hint = hintNanos(ended);
    if (hint >= 0) {
      return hint;
    }
    return config != null && config.hasInterval()
        ? config.waitNanos(attempt, ended)
        : backoff.delayNanos(attempt, engine.random);
  }

  /** The ended attempt's {@link RetryHint} answer; {@link RetryHint#NO_HINT} without one. */
  private static long hintNanos(CallAttempt ended) {
    Object o = ended.error != null ? ended.error : ended.result;
    if (!(o instanceof RetryHint)) {
      return RetryHint.NO_HINT;
    }
    try {
      long nanos = ((RetryHint) o).retryDelayNanos();
      return nanos < 0 ? RetryHint.NO_HINT : nanos;
    } catch (RuntimeException e) {
      return RetryHint.NO_HINT; // a broken hint is no hint: the mode's backoff applies
    }
  }

  /**
   * The call's end after its last attempt: the last outcome, or, for a config with {@code
   * failAfterMaxAttempts}, resilience4j's {@code MaxRetriesExceededException} when the last result
   * was one the config still wanted retried.
   */
  <T, E extends Exception> T outcome(CallAttempt last) throws E {
    RuntimeException exhausted = config == null ? null : config.exhausted(last);
    if (exhausted != null) {
      throw exhausted;
    }
    return Engine.outcomeOf(last);
  }

  /**
   * The blocking retry loop, shared by the modes that retry in sequence. An interrupt during a
   * backoff wait ends the call with the last attempt's outcome and the interrupt flag set.
   */
  static <T, E extends Exception> T runSync(Engine engine, Request request, Call<T, E> call,
      Retry policy) throws E {
    CallAttempt a = engine.beginFirst(true, request);
    Request tried = request;
    for (int attempt = 1; ; attempt++) {
      engine.run(a, call);
      if (!policy.another(engine, request, attempt, a)) {
        return policy.outcome(a);
      }
      tried = tried.excluding(a.server());
      long wait = policy.backoffNanos(engine, attempt, a);
      if (wait > 0) {
        try {
          engine.scheduler.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Engine.outcomeOf(a);
        }
      }
      CallAttempt next = engine.tryBeginRetry(true, tried, request, a.server(),
          AttemptKind.RETRY);
      if (next == null) {
        return policy.outcome(a); // nothing left to retry on: the last outcome stands
      }
      a = next;
    }
  }

  /** The non-blocking retry loop, shared by the modes that retry in sequence. */
  static <T> CompletableFuture<T> runAsync(Engine engine, Request request, AsyncCall<T> call,
      Retry policy) {
    CallAttempt first;
    try {
      first = engine.beginFirst(false, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    AsyncRun<T> run = new AsyncRun<>(engine, request, call, policy);
    run.promise.whenComplete((r, e) -> run.cancelRemaining());
    run.start(first);
    return run.promise;
  }

  /** One asynchronous call's sequence of attempts. */
  private static final class AsyncRun<T> {
    final CompletableFuture<T> promise = new CompletableFuture<>();
    private final Engine engine;
    private final Request request;
    private final AsyncCall<T> call;
    private final Retry policy;
    private Request tried;
    private int attempt;
    private volatile CallAttempt current;
    private volatile Engine.Timer timer;

    AsyncRun(Engine engine, Request request, AsyncCall<T> call, Retry policy) {
      this.engine = engine;
      this.request = request;
      this.call = call;
      this.policy = policy;
      this.tried = request;
    }

    void start(CallAttempt a) {
      attempt++;
      current = a;
      if (promise.isDone()) {
        a.cancel();
        return;
      }
      a.start(call, this::onEnd);
      if (promise.isDone()) {
        a.cancel();
      }
    }

    private void onEnd(CallAttempt a) {
      if (!policy.another(engine, request, attempt, a)) {
        complete(a);
        return;
      }
      tried = tried.excluding(a.server());
      long wait = policy.backoffNanos(engine, attempt, a);
      if (wait <= 0) {
        retry(a);
      } else {
        // If the timer never fires (balancer closed, scheduler shut down), the call ends with
        // this attempt's outcome rather than never.
        timer = engine.schedule(() -> retry(a), wait, () -> complete(a));
      }
    }

    private void retry(CallAttempt failed) {
      if (promise.isDone()) {
        return;
      }
      CallAttempt next = engine.tryBeginRetry(false, tried, request, failed.server(),
          AttemptKind.RETRY);
      if (next == null) {
        complete(failed); // nothing left to retry on: the last outcome stands
        return;
      }
      start(next);
    }

    private void complete(CallAttempt a) {
      try {
        promise.complete(policy.outcome(a));
      } catch (Throwable e) {
        promise.completeExceptionally(e);
      }
    }

    void cancelRemaining() {
      Engine.Timer t = timer;
      if (t != null) {
        t.cancel();
      }
      CallAttempt a = current;
      if (a != null) {
        a.cancel();
      }
    }
  }

  @Override
  public String toString() {
    return "retry(" + maxAttempts + ", "
        + (config != null && config.hasInterval() ? "RetryConfig interval" : backoff)
        + (config != null ? ", RetryConfig predicates" : "")
        + (nonIdempotent ? ", non-idempotent" : "") + ")";
  }
}
