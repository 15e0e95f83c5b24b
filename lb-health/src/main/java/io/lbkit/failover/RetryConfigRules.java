package io.lbkit.failover;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.RetryConfig;
import io.lbkit.internal.Checks;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a user's resilience4j {@link RetryConfig} that decide a retry across servers: the
 * exception and result predicates, the interval function, the consumer of a result about to be
 * retried, and {@code failAfterMaxAttempts}. lbkit's safety rules still apply on top (an
 * idempotency check, the budget, interrupts), so the config can only narrow what lbkit allows.
 * A predicate or interval function that throws is a bug in user code: it ends the retries (the
 * last outcome stands) and is logged, rather than losing the call.
 */
final class RetryConfigRules {
  private static final Logger log = LoggerFactory.getLogger(RetryConfigRules.class);
  private static final long MAX_WAIT_MILLIS = TimeUnit.DAYS.toMillis(365);

  private final Predicate<Throwable> onError;
  private final Predicate<Object> onResult;
  private final IntervalBiFunction<Object> interval;
  private final BiConsumer<Integer, Object> beforeRetry;
  private final io.github.resilience4j.retry.Retry named; // non-null when failing after max attempts

  private RetryConfigRules(Predicate<Throwable> onError, Predicate<Object> onResult,
      IntervalBiFunction<Object> interval, BiConsumer<Integer, Object> beforeRetry,
      io.github.resilience4j.retry.Retry named) {
    this.onError = onError;
    this.onResult = onResult;
    this.interval = interval;
    this.beforeRetry = beforeRetry;
    this.named = named;
  }

  static RetryConfigRules of(RetryConfig config) {
    Checks.notNull(config, "retryConfig");
    Checks.notNull(config.getIntervalBiFunction(), "retryConfig.intervalBiFunction");
    return new RetryConfigRules(config.getExceptionPredicate(), config.getResultPredicate(),
        config.getIntervalBiFunction(), config.getConsumeResultBeforeRetryAttempt(),
        config.isFailAfterMaxAttempts() ? io.github.resilience4j.retry.Retry.of("lbkit", config)
            : null);
  }

  /** These rules with lbkit's backoff in place of the config's interval function. */
  RetryConfigRules withoutInterval() {
    return new RetryConfigRules(onError, onResult, null, beforeRetry, named);
  }

  boolean hasInterval() {
    return interval != null;
  }

  /** Whether the config asks for another attempt after this one (safety rules aside). */
  boolean wants(CallAttempt ended) {
    try {
      if (ended.error != null) {
        return onError.test(ended.error);
      }
      // A result the classifier judged a failure is retried as lbkit's own failure signal; an
      // accepted result only when the config's result predicate asks for it.
      return !ended.outcome.isSuccess() || (onResult != null && onResult.test(ended.result));
    } catch (RuntimeException e) {
      log.warn("RetryConfig predicate threw; not retrying this call", e);
      return false;
    }
  }

  /** Called once a retry on an accepted result is decided, before the wait. */
  void beforeRetry(int attempt, CallAttempt ended) {
    if (beforeRetry != null && ended.error == null && ended.outcome.isSuccess()) {
      try {
        beforeRetry.accept(attempt, ended.result);
      } catch (RuntimeException e) {
        log.warn("RetryConfig consumeResultBeforeRetryAttempt threw; retrying anyway", e);
      }
    }
  }

  /**
   * The wait before the retry that follows attempt {@code attempt}, in nanoseconds, from the
   * config's interval function (negative read as 0, capped at 365 days).
   */
  long waitNanos(int attempt, CallAttempt ended) {
    Either<Throwable, Object> last = ended.error != null
        ? Either.left(ended.error)
        : Either.right(ended.result);
    Long millis;
    try {
      millis = interval.apply(attempt, last);
    } catch (RuntimeException e) {
      log.warn("RetryConfig interval function threw; retrying at once", e);
      return 0L;
    }
    if (millis == null || millis <= 0) {
      return 0L;
    }
    return TimeUnit.MILLISECONDS.toNanos(Math.min(millis, MAX_WAIT_MILLIS));
  }

  /**
   * With {@code failAfterMaxAttempts}, the error for a call whose last attempt returned a result
   * the config still wanted retried; null otherwise (the result is returned).
   */
  RuntimeException exhausted(CallAttempt last) {
    if (named == null || last.error != null || !last.outcome.isSuccess() || !wants(last)) {
      return null;
    }
    return MaxRetriesExceededException.createMaxRetriesExceededException(named);
  }
}
