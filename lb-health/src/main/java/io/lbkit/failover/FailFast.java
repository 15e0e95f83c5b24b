package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Server;
import java.util.concurrent.CompletableFuture;

/** One attempt; the outcome, good or bad, goes to the caller as it is. */
final class FailFast extends Failover {
  static final FailFast INSTANCE = new FailFast();

  private FailFast() {}

  @Override
  <T> T execute(Engine engine, Request request, Call<T> call) throws Exception {
    Server s = engine.acquire(request);
    long t = engine.startFirst(s);
    T result;
    try {
      result = call.call(s);
    } catch (Throwable e) {
      Outcome o = engine.classify(null, e);
      engine.report(s, t, o, e);
      throw Engine.rethrow(e);
    }
    Outcome o = engine.classify(result, null);
    engine.report(s, t, o, o.isSuccess() ? null : new FailedResultException(result));
    return result;
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return Retry.runAsync(engine, request, call, 1, false, Backoff.NONE);
  }

  @Override
  public String toString() {
    return "failFast";
  }
}
