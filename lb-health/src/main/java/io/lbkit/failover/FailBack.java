package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's fail-back, bounded: one attempt; on a failure the caller gets {@code
 * fallback.apply(error)} at once, and the call is retried in the background (on the balancer's
 * scheduler and executor) up to {@code maxRetries} times with backoff (default 3 retries, 5 s
 * doubling to 60 s, ±50%), each re-chosen from the current pool and, while possible, not one
 * that an earlier background retry of the same call already tried.
 *
 * <p>Bounds: at most {@code maxPending} calls (default 100) wait for a background retry; a new one
 * beyond that drops the oldest, with a WARN log. A background retry refused by the {@link
 * RetryBudget} counts as one of the call's retries. Calls whose failure does not allow a repeat
 * (the {@link Failover} safety rules) are never queued. {@link LoadBalancer#close()} cancels every
 * pending retry and interrupts or cancels any running one. Immutable.
 */
public final class FailBack extends Failover {
  private static final Logger log = LoggerFactory.getLogger(FailBack.class);

  /** Background retries per failed call, by default. */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** Calls that may wait for a background retry at once, by default. */
  public static final int DEFAULT_MAX_PENDING = 100;
  /** The wait before the first background retry, by default (before jitter). */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(5);
  /** The cap on the wait between background retries, by default (before jitter). */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
  static final Backoff DEFAULT_BACKOFF =
      Backoff.of(DEFAULT_INITIAL_BACKOFF, 2.0, DEFAULT_MAX_BACKOFF, 0.5);

  final Function<? super Throwable, ?> fallback;
  final int maxRetries;
  final Backoff backoff;
  final int maxPending;

  FailBack(Function<? super Throwable, ?> fallback, int maxRetries, Backoff backoff,
      int maxPending) {
    this.fallback = fallback;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.maxPending = maxPending;
  }

  /**
   * This mode with another number of background retries per failed call (default 3).
   *
   * @param maxRetries {@code >= 1}
   * @return a new mode; this one is unchanged
   * @throws IllegalArgumentException if {@code maxRetries} is below 1
   */
  public FailBack maxRetries(int maxRetries) {
    Checks.argument(maxRetries >= 1, "maxRetries", maxRetries, ">= 1");
    return new FailBack(fallback, maxRetries, backoff, maxPending);
  }

  /**
   * This mode with another bound on the calls waiting for a background retry (default 100);
   * beyond it the oldest is dropped.
   *
   * @param maxPending {@code >= 1}
   * @return a new mode; this one is unchanged
   * @throws IllegalArgumentException if {@code maxPending} is below 1
   */
  public FailBack maxPending(int maxPending) {
    Checks.argument(maxPending >= 1, "maxPending", maxPending, ">= 1");
    return new FailBack(fallback, maxRetries, backoff, maxPending);
  }

  /**
   * This mode with another backoff between background retries: from {@code initial}, doubling,
   * capped at {@code max}, ±50% jitter.
   *
   * @param initial the first wait, in [1 ms, 365 days]
   * @param max the cap, in [{@code initial}, 365 days]
   * @return a new mode; this one is unchanged
   * @throws NullPointerException if {@code initial} or {@code max} is null
   * @throws IllegalArgumentException if {@code initial} is below 1 ms or {@code max} is below
   *     {@code initial} or a duration is above 365 days
   */
  public FailBack backoff(Duration initial, Duration max) {
    Checks.positive(initial, "backoff.initial");
    return new FailBack(fallback, maxRetries, Backoff.of(initial, 2.0, max, 0.5), maxPending);
  }

  @Override
  Mode bind(Engine engine) {
    FailBackQueue queue = new FailBackQueue(engine, this);
    return new Mode() {
      @Override
      <T, E extends Exception> T execute(Request request, Call<T, E> call) throws E {
        CallAttempt a = engine.tryBeginFirst(true, request);
        if (a == null) {
          return fallback(engine.refusal(request)); // nothing was chosen: nothing to retry
        }
        engine.run(a, call);
        if (a.outcome.isSuccess() || a.abandoned) {
          return Engine.outcomeOf(a);
        }
        enqueue(queue, request, a, InterruptibleTask.on(engine.executor, call));
        return fallback(a.failure);
      }

      @Override
      <T> CompletableFuture<T> executeAsync(Request request, AsyncCall<T> call) {
        CallAttempt first = engine.tryBeginFirst(false, request);
        if (first == null) {
          try {
            return CompletableFuture.completedFuture(fallback(engine.refusal(request)));
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        }
        return Engine.runOnce(first, call, (a, promise) -> {
          if (a.outcome.isSuccess() || a.abandoned) {
            Engine.settle(a, promise);
            return;
          }
          enqueue(queue, request, a, call);
          promise.complete(fallback(a.failure));
        });
      }

      @Override
      int pendingRetries() {
        return queue.pending();
      }

      @Override
      public void close() {
        queue.close();
      }
    };
  }

  private static void enqueue(FailBackQueue queue, Request request, CallAttempt failed,
      AsyncCall<?> call) {
    if (Engine.mayRepeat(request, failed.outcome, false)) { // else the fallback is the answer
      queue.add(request, call, failed.server());
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T fallback(Throwable error) {
    log.debug("call failed, returning the fail-back fallback and retrying later", error);
    return (T) fallback.apply(error);
  }

  @Override
  public String toString() {
    return "failBack(maxRetries=" + maxRetries + ", " + backoff + ", maxPending=" + maxPending
        + ")";
  }

  @Override
  public boolean sendsCopies() {
    return true;
  }
}
