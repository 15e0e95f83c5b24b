package io.lbkit.failover;

import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.Ticker;
import io.lbkit.internal.DefaultSelector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * What a failover mode works with: beginning attempts (choice, breaker permission, in-flight), the
 * outcome classified once per attempt, the budget, the safety rules for extra attempts, the
 * scheduler and the executor. One per {@link LoadBalancer}; thread-safe.
 */
final class Engine {
  final DefaultSelector selector;
  final HealthTracker tracker;
  final OutcomeClassifier classifier;
  final RetryBudget budget;
  final Scheduler scheduler;
  final Executor executor;
  final RandomSource random;
  final Ticker ticker;
  final CallEvents events;
  // By kind, asynchronous (any thread may end them) and blocking (the calling thread ends them).
  private final DefaultSelector.AttemptFactory<CallAttempt>[] attempts;
  private final DefaultSelector.AttemptFactory<CallAttempt>[] blockingAttempts;
  private final BooleanSupplier hedgeGate = () -> acquireBudget(AttemptKind.HEDGE);
  private final BooleanSupplier forkGate = () -> acquireBudget(AttemptKind.FORK);
  private final Set<Timer> timers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Engine(DefaultSelector selector, OutcomeClassifier classifier, RetryBudget budget,
      Scheduler scheduler, Executor executor, RandomSource random, Ticker ticker) {
    this.selector = selector;
    this.tracker = selector.tracker();
    this.classifier = classifier;
    this.budget = budget;
    this.scheduler = scheduler;
    this.executor = executor;
    this.random = random;
    this.ticker = ticker;
    this.events = new CallEvents(ticker);
    this.attempts = factories(false);
    this.blockingAttempts = factories(true);
    selector.onRefusal(events::chooseRefused);
  }

  @SuppressWarnings("unchecked")
  private DefaultSelector.AttemptFactory<CallAttempt>[] factories(boolean blocking) {
    AttemptKind[] kinds = AttemptKind.values();
    DefaultSelector.AttemptFactory<CallAttempt>[] f =
        new DefaultSelector.AttemptFactory[kinds.length];
    for (AttemptKind kind : kinds) {
      f[kind.ordinal()] = (s, permit) -> new CallAttempt(this, s, permit, blocking, kind);
    }
    return f;
  }

  private DefaultSelector.AttemptFactory<CallAttempt> factory(boolean blocking,
      AttemptKind kind) {
    return (blocking ? blockingAttempts : attempts)[kind.ordinal()];
  }

  /**
   * Asks the budget for an extra attempt of {@code kind}; a refusal is counted and reported.
   *
   * @return whether the attempt may be made
   */
  boolean acquireBudget(AttemptKind kind) {
    if (budget.tryAcquire()) {
      return true;
    }
    events.budgetRefused(kind);
    return false;
  }

  /**
   * The first attempt of a call, the call counted by the budget at the attempt's start reading
   * (one clock read fewer per call when both use the balancer's ticker). A call that finds no
   * server is not counted.
   *
   * @throws NoServerAvailableException when nothing can be chosen, with the reason
   */
  CallAttempt beginFirst(boolean blocking, Request request) {
    CallAttempt a = tryBeginFirst(blocking, request);
    if (a == null) {
      throw selector.refusalAfterPermits(request);
    }
    return a;
  }

  /** {@link #beginFirst}, or null when nothing can be chosen ({@link #refusal} says why). */
  CallAttempt tryBeginFirst(boolean blocking, Request request) {
    events.callStarted(request); // every call's first attempt comes through here, once
    CallAttempt a = selector.tryBegin(request, null, factory(blocking, AttemptKind.FIRST));
    if (a != null) {
      budget.onRequest(tracker.ticker(), a.startNanos());
    }
    return a;
  }

  /**
   * An attempt of {@code kind} on a server {@code request} does not exclude, or null when none
   * is left. A {@code blocking} attempt is run and ended by the calling thread alone ({@link
   * #run}); any other may be ended from any thread (an asynchronous call, a copy that can be
   * cancelled).
   */
  CallAttempt tryBegin(boolean blocking, Request request, AttemptKind kind) {
    return selector.tryBegin(request, null, factory(blocking, kind));
  }

  /**
   * An extra parallel copy ({@link AttemptKind#FORK} or {@link AttemptKind#HEDGE}) on a server
   * {@code request} does not exclude, if one is left and the budget grants it (asked only once a
   * server was found); else null.
   */
  CallAttempt tryBeginCopy(Request request, AttemptKind kind) {
    return selector.tryBegin(request, kind == AttemptKind.HEDGE ? hedgeGate : forkGate,
        factory(false, kind));
  }

  /**
   * The attempt for a retry: on a server not in {@code tried} while any is left; once every
   * available server has been tried, any server but the one that failed last, and if that is the
   * only one, that one again (Dubbo's reselection). Null when nothing can be chosen: {@link
   * #refusal} says why.
   */
  CallAttempt tryBeginRetry(boolean blocking, Request tried, Request original,
      Server lastFailed, AttemptKind kind) {
    CallAttempt a = tryBegin(blocking, tried, kind);
    if (a == null && lastFailed != null) {
      a = tryBegin(blocking, original.excluding(lastFailed), kind);
    }
    return a != null ? a : tryBegin(blocking, original, kind);
  }

  /**
   * Runs {@code task} after {@code delayNanos} on the scheduler, or {@code onDropped} instead when
   * the timer will never fire: the scheduler refuses it (shut down), or the balancer closes
   * first. Exactly one of the two runs, unless the returned timer is cancelled first. So a call
   * waiting on a timer (a retry's backoff) always completes.
   */
  Timer schedule(Runnable task, long delayNanos, Runnable onDropped) {
    Timer t = new Timer(task, onDropped);
    timers.add(t);
    if (closed) {
      t.drop();
      return t;
    }
    try {
      t.future = scheduler.schedule(t, delayNanos);
    } catch (RejectedExecutionException e) {
      t.drop();
    }
    return t;
  }

  /** Drops every pending timer (each runs its {@code onDropped}); later ones drop at once. */
  void close() {
    closed = true;
    for (Timer t : timers) {
      t.drop();
    }
  }

  /** A pending timer of {@link #schedule}. */
  final class Timer implements Runnable {
    private final Runnable task;
    private final Runnable onDropped;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Future<?> future;

    private Timer(Runnable task, Runnable onDropped) {
      this.task = task;
      this.onDropped = onDropped;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        timers.remove(this);
        task.run();
      }
    }

    void drop() {
      if (done.compareAndSet(false, true)) {
        timers.remove(this);
        onDropped.run();
      }
    }

    /** Neither the task nor onDropped will run. */
    void cancel() {
      if (done.compareAndSet(false, true)) {
        timers.remove(this);
        Future<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }

  /** Why nothing could be begun for {@code request}. */
  NoServerAvailableException refusal(Request request) {
    return selector.refusalAfterPermits(request);
  }

  /**
   * Runs a blocking {@code call} as attempt {@code a} and ends it with its outcome. A call that
   * fails while the caller's thread is interrupted was stopped by the caller: the attempt ends
   * as a cancel and the interrupt flag is left as it is.
   */
  <T> Outcome run(CallAttempt a, Call<T, ?> call) {
    T result = null;
    Throwable error = null;
    try {
      result = call.call(a.server());
    } catch (Throwable e) {
      error = e;
    }
    return a.finish(result, error, error != null && Thread.currentThread().isInterrupted());
  }

  /**
   * Runs {@code call} as the single asynchronous attempt {@code a}; {@code onEnd} settles the
   * returned future from the ended attempt. Cancelling the future cancels the attempt.
   */
  static <T> CompletableFuture<T> runOnce(CallAttempt a, AsyncCall<T> call,
      BiConsumer<CallAttempt, CompletableFuture<T>> onEnd) {
    CompletableFuture<T> promise = new CompletableFuture<>();
    promise.whenComplete((r, e) -> a.cancel());
    a.start(call, ended -> {
      try {
        onEnd.accept(ended, promise);
      } catch (RuntimeException | Error e) {
        promise.completeExceptionally(e); // a throwing fallback
      }
    });
    return promise;
  }

  /** Settles {@code promise} as the attempt ended: its result or its error. */
  static <T> void settle(CallAttempt a, CompletableFuture<T> promise) {
    if (a.error == null) {
      promise.complete(a.result());
    } else {
      promise.completeExceptionally(a.error);
    }
  }

  Outcome classify(Object result, Throwable error) {
    return DefaultClassifier.classify(classifier, result, error);
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

  /**
   * What a blocking call ends with after its last attempt {@code a}: the result, or the error
   * thrown as it is. The user's exception objects are never modified (one instance may be thrown
   * by every call), so earlier attempts' errors are not attached to it.
   */
  static <T, E extends Exception> T outcomeOf(CallAttempt a) throws E {
    if (a.error == null) {
      return a.result();
    }
    throw Engine.<E>rethrow(a.error);
  }

  /**
   * Throws {@code t} as it is. It came from a {@code Call<T, E>}, so it is an {@code E}, unchecked,
   * or something the call threw past its own signature, which goes on the same way.
   */
  @SuppressWarnings("unchecked")
  static <E extends Exception> E rethrow(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * Waits for {@code future} (the copies of a blocking forked or hedged call) and returns its
   * value or throws its failure unwrapped. If the waiting caller is interrupted, the copies are
   * cancelled, the interrupt flag is set again and the call ends with a {@link
   * CancellationException} whose cause is the interrupt (the call's own signature has no room
   * for an {@code InterruptedException}).
   */
  static <T, E extends Exception> T join(CompletableFuture<T> future) throws E {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException stop = new CancellationException("interrupted while waiting");
      stop.initCause(e);
      throw stop;
    } catch (ExecutionException e) {
      throw Engine.<E>rethrow(e.getCause() != null ? e.getCause() : e);
    }
  }
}
