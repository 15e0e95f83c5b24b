package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's broadcast: the call goes to every server of the pool that the tracker reports available
 * and whose breaker admits it (for cache invalidation and the like); it fails if any fails. With
 * {@code execute} the servers are called one after another on the caller's thread, with {@code
 * executeAsync} all at once. The answer is the last server's result; on failure, the last
 * failure (an error with the others suppressed, or a result classified as a failure). Each server
 * gets the call once, so this mode sends non-idempotent calls too, and it spends no retry budget:
 * the fan-out is the purpose, not a repeat.
 */
final class Broadcast extends Failover {
  static final Broadcast INSTANCE = new Broadcast();

  private Broadcast() {}

  /** The servers to call, each with its permission taken; throws when there is none. */
  private static List<Server> targets(Engine engine, Request request) {
    List<Server> servers = engine.pool.servers();
    List<Server> targets = new ArrayList<>(servers.size());
    for (Server s : servers) {
      if (s.weight() > 0 && !request.excludes(s) && engine.tracker.isAvailable(s)
          && engine.tracker.tryAcquirePermission(s)) {
        targets.add(s);
      }
    }
    if (targets.isEmpty()) {
      throw new NoServerAvailableException(servers.isEmpty()
          ? NoServerAvailableException.Reason.EMPTY_POOL
          : NoServerAvailableException.Reason.ALL_EJECTED);
    }
    return targets;
  }

  @Override
  <T> T execute(Engine engine, Request request, Call<T> call) throws Exception {
    engine.budget.onRequest();
    List<Server> targets = targets(engine, request);
    List<Throwable> failures = null;
    T result = null;
    T failedResult = null;
    Throwable lastError = null;
    boolean lastWasError = false;
    for (Server s : targets) {
      long t = engine.tracker.onStart(s);
      T r = null;
      Throwable error = null;
      try {
        r = call.call(s);
      } catch (Throwable e) {
        error = e;
      }
      Outcome o = engine.classify(r, error);
      Throwable failure = o.isSuccess() ? null : Engine.failureOf(r, error);
      engine.report(s, t, o, failure);
      if (o.isSuccess() && error == null) {
        result = r;
        continue;
      }
      if (failures == null) {
        failures = new ArrayList<>();
      }
      failures.add(error != null ? error : failure);
      lastWasError = error != null;
      if (error != null) {
        lastError = error;
      } else {
        failedResult = r;
      }
    }
    if (failures == null) {
      return result;
    }
    if (lastWasError) {
      throw Engine.rethrow(Engine.withSuppressed(lastError, failures));
    }
    return failedResult;
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    engine.budget.onRequest();
    List<Server> targets;
    try {
      targets = targets(engine, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Run<T> run = new Run<>(engine, targets.size());
    for (Server s : targets) {
      run.launch(s, call);
    }
    return run.promise;
  }

  private static final class Run<T> extends ParallelRun<T> {
    private final int total;
    private AsyncAttempt<T> lastSuccess;

    Run(Engine engine, int total) {
      super(engine);
      this.total = total;
    }

    void launch(Server s, AsyncCall<T> call) {
      if (promise.isDone()) {
        engine.release(s);
        return;
      }
      AsyncAttempt<T> a = new AsyncAttempt<>(engine, s);
      synchronized (this) {
        attempts.add(a);
      }
      a.start(call, this::onEnd);
    }

    private synchronized void onEnd(AsyncAttempt<T> a) {
      ended++;
      if (a.outcome.isSuccess() && a.error == null) {
        lastSuccess = a;
      } else {
        recordFailure(a);
      }
      if (ended < total) {
        return;
      }
      if (lastFailed != null) {
        failWith(lastFailed);
      } else {
        promise.complete(lastSuccess.result);
      }
    }
  }

  @Override
  public String toString() {
    return "broadcast";
  }
}
