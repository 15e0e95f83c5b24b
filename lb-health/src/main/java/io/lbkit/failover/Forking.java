package io.lbkit.failover;

import io.lbkit.Request;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's forking, with cancellation: the call is sent at once to {@code n} distinct servers (as
 * many as can be chosen, each extra copy needing the {@link RetryBudget}); the first success is
 * the answer and every other copy is cancelled (its future cancelled, a blocking call's thread
 * interrupted, its in-flight count and breaker permission released through {@code onCancel}).
 * The call fails only if every copy fails, with the last failure. A non-idempotent call is sent
 * once. Blocking calls run on the balancer's executor.
 */
final class Forking extends StatelessFailover {
  private final int n;

  Forking(int n) {
    this.n = n;
  }

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    return Engine.join(executeAsync(engine, request, InterruptibleTask.on(engine.executor, call)));
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    CallAttempt first;
    try {
      first = engine.beginFirst(false, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Run<T> run = new Run<>(engine, call);
    int copies = Engine.mayCopy(request) ? n : 1;
    Request chosen = request.excluding(first.server());
    run.launch(first);
    for (int i = 1; i < copies && !run.promise.isDone(); i++) {
      CallAttempt a = engine.tryBeginCopy(chosen, AttemptKind.FORK);
      if (a == null) {
        break; // fewer than n servers available, or no budget: fork over those there are
      }
      chosen = chosen.excluding(a.server());
      run.launch(a);
    }
    run.launchedAll();
    return run.promise;
  }

  private static final class Run<T> extends ParallelRun<T> {
    private final AsyncCall<T> call;
    private boolean launching = true;

    Run(Engine engine, AsyncCall<T> call) {
      super(engine);
      this.call = call;
    }

    void launch(CallAttempt a) {
      launch(a, call, this::onEnd);
    }

    synchronized void launchedAll() {
      launching = false;
      maybeFail();
    }

    private void onEnd(CallAttempt a) {
      if (a.outcome.isSuccess() && !a.abandoned) {
        Engine.settle(a, promise);
        return;
      }
      synchronized (this) {
        ended++;
        if (!a.abandoned || lastFailed == null) {
          recordFailure(a); // a copy the caller's side stopped is the answer only if alone
        }
        maybeFail();
      }
    }

    // With the lock held: every copy launched has ended without a success.
    private void maybeFail() {
      if (!launching && ended == attempts.size() && lastFailed != null) {
        failWith(lastFailed);
      }
    }
  }

  @Override
  public String toString() {
    return "forking(" + n + ")";
  }

  @Override
  public boolean sendsCopies() {
    return true;
  }
}
