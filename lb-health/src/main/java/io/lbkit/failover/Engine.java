package io.lbkit.failover;

import io.lbkit.Scheduler;
import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * What a failover mode works with: choosing with breaker permission, reporting outcomes to the
 * tracker and the budget, the safety rules for extra attempts, the scheduler and the executor.
 * One per {@link LoadBalancer}; thread-safe and stateless apart from what it holds.
 */
final class Engine {
  final ServerPool pool;
  final Selector selector;
  final HealthTracker tracker;
  final OutcomeClassifier classifier;
  final RetryBudget budget;
  final Scheduler scheduler;
  final Executor executor;
  final RandomSource random;
  final Ticker ticker;
  private Object state; // the mode's per-balancer state; set once before the balancer is shared

  Engine(ServerPool pool, Selector selector, HealthTracker tracker, OutcomeClassifier classifier,
      RetryBudget budget, Scheduler scheduler, Executor executor, RandomSource random,
      Ticker ticker) {
    this.pool = pool;
    this.selector = selector;
    this.tracker = tracker;
    this.classifier = classifier;
    this.budget = budget;
    this.scheduler = scheduler;
    this.executor = executor;
    this.random = random;
    this.ticker = ticker;
  }

  Object state() {
    return state;
  }

  void state(Object state) {
    this.state = state;
  }

  /**
   * Chooses a server for {@code request} and takes its breaker permission; a server that refuses
   * (a half-open breaker with no probe slot left) is excluded and the choice made again. The
   * caller must end every server returned here with {@code onStart} and one of the end calls.
   *
   * @throws NoServerAvailableException when nothing can be chosen
   */
  Server acquire(Request request) {
    Request r = request;
    while (true) {
      Server s = selector.choose(r);
      if (tracker.tryAcquirePermission(s)) {
        return s;
      }
      r = r.excluding(s);
    }
  }

  /**
   * Chooses the server for a retry: one not in {@code tried} while any is left; once every
   * available server has been tried, any server but the one that failed last, and if that is the
   * only one, that one again (Dubbo's reselection).
   */
  Server acquireForRetry(Request tried, Request original, Server lastFailed) {
    try {
      return acquire(tried);
    } catch (NoServerAvailableException e) {
      if (e.reason() != NoServerAvailableException.Reason.ALL_EXCLUDED) {
        throw e;
      }
    }
    if (lastFailed != null) {
      try {
        return acquire(original.excluding(lastFailed));
      } catch (NoServerAvailableException e) {
        if (e.reason() != NoServerAvailableException.Reason.ALL_EXCLUDED) {
          throw e;
        }
      }
    }
    return acquire(original);
  }

  /**
   * Gives back the permission {@link #acquire} took on {@code server} without running a call: the
   * tracker's only way to end a permission is an end call, so this is an onStart/onCancel pair,
   * which leaves every count as it was.
   */
  void release(Server server) {
    tracker.onCancel(server, tracker.onStart(server));
  }

  Outcome classify(Object result, Throwable error) {
    return DefaultClassifier.classify(classifier, result, error);
  }

  /**
   * {@code onStart} of a call's first attempt, and the call counted by the budget at the same
   * clock reading (one read of the clock fewer per call when both use the balancer's ticker). A
   * call that finds no server to start on is not counted.
   */
  long startFirst(Server server) {
    long t = tracker.onStart(server);
    budget.onRequest(tracker.ticker(), t);
    return t;
  }

  /**
   * {@link #acquire} for the first attempt of an asynchronous run, counting the call toward the
   * budget only once a server was found, as {@link #startFirst} does for blocking runs.
   */
  Server acquireFirst(Request request) {
    Server s = acquire(request);
    budget.onRequest();
    return s;
  }

  /** Reports one attempt's end with an outcome to the tracker and the budget. */
  void report(Server server, long startNanos, Outcome outcome, Throwable failure) {
    if (outcome.isSuccess()) {
      tracker.onSuccess(server, startNanos);
      budget.onSuccess();
    } else {
      tracker.onFailure(server, startNanos, failure);
      budget.onFailure();
    }
  }

  /**
   * The safety rule for another attempt after a failure with {@code outcome}: a timeout of a
   * non-idempotent call never; a non-idempotent call only when the request never left or the
   * caller opted in; an idempotent call always (budget permitting, which the caller asks next).
   */
  static boolean mayRepeat(Request request, Outcome outcome, boolean nonIdempotentOptIn) {
    if (outcome.isSuccess()) {
      return false;
    }
    if (request.isIdempotent() || outcome.neverLeft()) {
      return true;
    }
    return nonIdempotentOptIn && !outcome.isTimeout();
  }

  /** Whether parallel copies (forks, hedges) may be sent at all: idempotent calls only. */
  static boolean mayCopy(Request request) {
    return request.isIdempotent();
  }

  /** The failure to report for an attempt: the error, or the failed result wrapped. */
  static Throwable failureOf(Object result, Throwable error) {
    return error != null ? error : new FailedResultException(result);
  }

  /** {@code last} with each of {@code earlier} attached as suppressed (skipping itself). */
  static Throwable withSuppressed(Throwable last, List<Throwable> earlier) {
    if (earlier != null) {
      for (Throwable t : earlier) {
        if (t != last) {
          last.addSuppressed(t);
        }
      }
    }
    return last;
  }

  /** Throws {@code t} as is: unchecked ones directly, checked ones as the {@code Exception}. */
  static Exception rethrow(Throwable t) {
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return t instanceof Exception ? (Exception) t : new ExecutionException(t);
  }

  /** Waits for {@code future} and returns its value or throws its failure unwrapped. */
  static <T> T join(CompletableFuture<T> future) throws Exception {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause() != null ? e.getCause() : e);
    }
  }
}
