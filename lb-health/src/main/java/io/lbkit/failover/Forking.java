package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Server;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's forking, with cancellation: the call is sent at once to {@code n} distinct servers (as
 * many as can be chosen, each extra copy needing the {@link RetryBudget}); the first success is
 * the answer and every other copy is cancelled (its future cancelled, a blocking call's thread
 * interrupted, its in-flight count and breaker permission released through {@code onCancel}).
 * The call fails only if every copy fails, with the last failure. A non-idempotent call is sent
 * once. Blocking calls run on the balancer's executor.
 */
final class Forking extends Failover {
  private final int n;

  Forking(int n) {
    this.n = n;
  }

  @Override
  <T> T execute(Engine engine, Request request, Call<T> call) throws Exception {
    return Engine.join(executeAsync(engine, request, InterruptibleTask.on(engine.executor, call)));
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    Server first;
    try {
      first = engine.acquireFirst(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Run<T> run = new Run<>(engine);
    int copies = Engine.mayCopy(request) ? n : 1;
    Request chosen = request.excluding(first);
    run.launch(first, call);
    for (int i = 1; i < copies && !run.promise.isDone(); i++) {
      Server s;
      try {
        s = engine.acquire(chosen);
      } catch (RuntimeException e) {
        break; // fewer than n servers available: fork over those there are
      }
      if (!engine.budget.tryAcquire()) {
        engine.release(s); // chosen first so that no budget is spent when no server is left
        break;
      }
      chosen = chosen.excluding(s);
      run.launch(s, call);
    }
    run.launchedAll();
    return run.promise;
  }

  private static final class Run<T> extends ParallelRun<T> {
    private boolean launching = true;

    Run(Engine engine) {
      super(engine);
    }

    void launch(Server s, AsyncCall<T> call) {
      AsyncAttempt<T> a = new AsyncAttempt<>(engine, s);
      synchronized (this) {
        attempts.add(a);
      }
      a.start(call, this::onEnd);
      if (promise.isDone()) {
        a.cancel();
      }
    }

    synchronized void launchedAll() {
      launching = false;
      maybeFail();
    }

    private void onEnd(AsyncAttempt<T> a) {
      if (a.outcome.isSuccess()) {
        if (a.error == null) {
          promise.complete(a.result);
        } else {
          promise.completeExceptionally(a.error);
        }
        return;
      }
      synchronized (this) {
        ended++;
        recordFailure(a);
        maybeFail();
      }
    }

    // With the lock held: every copy launched has failed.
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
}
