package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt; a failure (an error, or a result classified as a failure, or no server to choose)
 * is logged at WARN and the fallback's value returned instead. An error that the classifier calls
 * a success (say, a client exception for HTTP 404) is the server's answer and still reaches the
 * caller.
 */
final class FailSafe extends Failover {
  private static final Logger log = LoggerFactory.getLogger(FailSafe.class);

  private final Function<? super Throwable, ?> fallback;

  FailSafe(Function<? super Throwable, ?> fallback) {
    this.fallback = fallback;
  }

  @Override
  <T> T execute(Engine engine, Request request, Call<T> call) throws Exception {
    T result;
    try {
      result = FailFast.INSTANCE.execute(engine, request, call);
    } catch (Exception e) {
      if (engine.classify(null, e).isSuccess()) {
        throw e;
      }
      return fallback(request, e);
    }
    if (!engine.classify(result, null).isSuccess()) {
      return fallback(request, new FailedResultException(result));
    }
    return result;
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return FailFast.INSTANCE.executeAsync(engine, request, call).handle((r, e) -> {
      if (e != null) {
        Throwable cause = DefaultClassifier.unwrap(e);
        if (engine.classify(null, cause).isSuccess()) {
          throw e instanceof RuntimeException ? (RuntimeException) e
              : new java.util.concurrent.CompletionException(e);
        }
        return fallback(request, cause);
      }
      return engine.classify(r, null).isSuccess() ? r
          : fallback(request, new FailedResultException(r));
    });
  }

  @SuppressWarnings("unchecked")
  private <T> T fallback(Request request, Throwable error) {
    log.warn("call failed, returning the fail-safe fallback: {} ({})", error.toString(), request);
    return (T) fallback.apply(error);
  }

  @Override
  public String toString() {
    return "failSafe";
  }
}
