package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt; a failure (an error, or a result classified as a failure, or no server to choose)
 * is logged and the fallback's value returned instead: at WARN for the first and then at most
 * once every 30 s with the count of those in between (an outage must not write a line per call),
 * each one at DEBUG. An error that the classifier calls
 * a success (say, a client exception for HTTP 404) is the server's answer and still reaches the
 * caller. The outcome is classified once, by the attempt.
 */
final class FailSafe extends StatelessFailover {
  private static final Logger log = LoggerFactory.getLogger(FailSafe.class);

  private final Function<? super Throwable, ?> fallback;
  private final WarnLimiter warnings = new WarnLimiter(WarnLimiter.DEFAULT_INTERVAL_NANOS);

  FailSafe(Function<? super Throwable, ?> fallback) {
    this.fallback = fallback;
  }

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    CallAttempt a = engine.tryBeginFirst(true, request);
    if (a == null) {
      return fallback(engine, request, engine.refusal(request));
    }
    engine.run(a, call);
    // An answer (or an error the classifier calls one) and a call its caller stopped are not
    // failures to hide behind the fallback.
    return a.outcome.isSuccess() || a.abandoned ? Engine.outcomeOf(a)
        : fallback(engine, request, a.failure);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    CallAttempt first = engine.tryBeginFirst(false, request);
    if (first == null) {
      try {
        return CompletableFuture.completedFuture(fallback(engine, request, engine.refusal(request)));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return Engine.runOnce(first, call, (a, promise) -> {
      if (a.outcome.isSuccess() || a.abandoned) {
        Engine.settle(a, promise);
      } else {
        promise.complete(fallback(engine, request, a.failure));
      }
    });
  }

  @SuppressWarnings("unchecked")
  private <T> T fallback(Engine engine, Request request, Throwable error) {
    long unwritten = warnings.tryWrite(engine.ticker.read());
    if (unwritten >= 0) {
      log.warn("call failed, returning the fail-safe fallback: {} ({}){}", error.toString(),
          request, unwritten == 0 ? "" : "; " + unwritten + " more since the last such line");
    } else {
      log.debug("call failed, returning the fail-safe fallback: {} ({})", error, request);
    }
    return (T) fallback.apply(error);
  }

  @Override
  public String toString() {
    return "failSafe";
  }
}
