package io.lbkit.failover;

import io.lbkit.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's broadcast: the call goes once to every server the selector can choose for the request
 * (for cache invalidation and the like), so drained, ejected and excluded servers, panic and
 * {@link LoadBalancer#close()} apply as in every other mode; it fails if any fails. The targets
 * are begun through the selector one after another, each excluding those already taken, until it
 * has none left. With {@code execute} the servers are called in turn on the caller's thread, with
 * {@code executeAsync} all at once. The answer is the last server's result; on failure, the last
 * failure (an error as thrown, or a result classified as a failure). Each server
 * gets the call once, so this mode sends non-idempotent calls too, and it spends no retry budget:
 * the fan-out is the purpose, not a repeat.
 */
final class Broadcast extends StatelessFailover {
  static final Broadcast INSTANCE = new Broadcast();

  private Broadcast() {}

  /** Every server the selector gives for {@code request}, all begun at once; throws if none. */
  private static List<CallAttempt> begin(Engine engine, Request request) {
    List<CallAttempt> targets = new ArrayList<>();
    targets.add(engine.beginFirst(false, request));
    Request rest = request.excluding(targets.get(0).server());
    for (CallAttempt a; (a = engine.tryBegin(false, rest, AttemptKind.BROADCAST)) != null; ) {
      targets.add(a);
      rest = rest.excluding(a.server());
    }
    return targets;
  }

  @Override
  <T, E extends Exception> T execute(Engine engine, Request request, Call<T, E> call)
      throws E {
    CallAttempt last = null;
    CallAttempt lastFailed = null;
    Request rest = request;
    // In turn: each server's attempt begins when the previous one ended, so its latency is its own.
    for (CallAttempt a = engine.beginFirst(true, request); a != null;
        a = engine.tryBegin(true, rest, AttemptKind.BROADCAST)) {
      rest = rest.excluding(a.server());
      engine.run(a, call);
      if (a.abandoned) {
        return Engine.outcomeOf(a); // interrupted: the servers not called yet are not called
      }
      last = a;
      if (a.outcome.isSuccess() && a.error == null) {
        continue;
      }
      lastFailed = a;
    }
    return Engine.outcomeOf(lastFailed != null ? lastFailed : last);
  }

  @Override
  <T> CompletableFuture<T> executeAsync(Engine engine, Request request, AsyncCall<T> call) {
    List<CallAttempt> targets;
    try {
      targets = begin(engine, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Run<T> run = new Run<>(engine, targets.size());
    for (CallAttempt a : targets) {
      run.launch(a, call, run::onEnd);
    }
    return run.promise;
  }

  private static final class Run<T> extends ParallelRun<T> {
    private final int total;
    private CallAttempt lastSuccess;

    Run(Engine engine, int total) {
      super(engine);
      this.total = total;
    }

    private synchronized void onEnd(CallAttempt a) {
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
        promise.complete(lastSuccess.result());
      }
    }
  }

  @Override
  public String toString() {
    return "broadcast";
  }

  @Override
  public boolean sendsCopies() {
    return true;
  }
}
