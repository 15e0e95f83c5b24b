package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;

/** One attempt; the outcome, good or bad, goes to the caller as it is. */
final class FailFast extends StatelessFailover {
  static final FailFast INSTANCE = new FailFast();

  private FailFast() {}

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    CallAttempt a = engine.beginFirst(true, request);
    engine.run(a, call);
    return Engine.outcomeOf(a);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    return Retry.runAsync(engine, request, call, Retry.ONCE);
  }

  @Override
  public String toString() {
    return "failFast";
  }
}
