package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * What a client does with one logical request: which attempts it makes, when, and when it gives
 * up. The built-in policies are in {@link Policies}; lbkit's {@code LoadBalancer} failover modes
 * plug in here by driving {@link Call#send} from their own async execution.
 *
 * <p>Everything runs on the simulation's single event-loop thread, in virtual time: a policy must
 * not block or sleep, only react to callbacks and schedule with {@link Call#after}. One {@link
 * Catalog} instance serves runs on several threads at once, so it must be immutable; per-run
 * state belongs in the instance {@link #bind} returns.
 */
public interface ClientPolicy {

  /** The row label, e.g. {@code retry3}. */
  String name();

  /** Starts {@code call}; must end it with exactly one {@link Call#finish}. */
  void start(Call call);

  /**
   * The policy to use for one run, called once before the run starts. A stateless policy returns
   * itself (the default); one that owns per-run state, such as lbkit's {@code LoadBalancer}, builds
   * it here from {@code run}: {@code LoadBalancer.builder(run.pool()).strategy(run.strategy())
   * .tracker(run.tracker()).ticker(run.ticker()).random(run.random())} with a scheduler over
   * {@link Run#schedule}, then in {@link #start} {@code executeAsync(call.request(), server ->
   * call.send(server, timeout))} and {@link Call#finish} when that completes.
   */
  default ClientPolicy bind(Run run) {
    return this;
  }

  /** What one run offers a policy when it binds: the run's own objects, all on virtual time. */
  interface Run {
    ServerPool pool();

    /** The run's strategy instance (the one its selector uses). */
    Strategy strategy();

    /** The run's tracker; ejections are counted from its change notifications. */
    HealthTracker tracker();

    /** The run's selector, over {@link #pool()}, {@link #strategy()} and {@link #tracker()}. */
    Selector selector();

    /** Virtual time. */
    Ticker ticker();

    /** A seeded source for the policy's own random decisions (jitter, budgets). */
    RandomSource random();

    /**
     * Runs {@code task} {@code delayNanos} later in virtual time; cancelling the future before
     * then drops it. Its {@code get()} never blocks: it throws if the task has not run.
     */
    Future<?> schedule(Runnable task, long delayNanos);
  }

  /** One logical request, as a policy sees it. */
  interface Call {

    /** The request as the workload issued it (key set, no exclusions). */
    Request request();

    /** Virtual now, in nanoseconds. */
    long now();

    /** Runs {@code action} {@code delayNanos} later in virtual time. */
    void after(long delayNanos, Runnable action);

    Selector selector();

    HealthTracker tracker();

    /**
     * One tracked attempt: choose (asking the tracker's permission, choosing again without a
     * server that refuses it), {@code onStart}, send, then {@code onSuccess}/{@code onFailure} when
     * the server answers or {@code timeoutNanos} (0 = none) pass, whichever is first; {@code
     * listener} hears it once. When nothing can be chosen the listener hears a null server and
     * {@link Outcome#NO_SERVER} at once.
     */
    Attempt attempt(Request request, long timeoutNanos, AttemptListener listener);

    /**
     * One untracked send to {@code server} (for a facade that records to its tracker itself): the
     * future completes at the virtual time of the answer, exceptionally on any failure.
     */
    CompletableFuture<Void> send(Server server, long timeoutNanos);

    /** Ends the logical request; its latency is now minus its arrival. */
    void finish(boolean success);
  }

  /** Hears how one attempt ended. */
  @FunctionalInterface
  interface AttemptListener {
    void onDone(Server server, Outcome outcome);
  }

  /** An attempt in flight. */
  interface Attempt {
    /** The chosen server, or null if none could be chosen. */
    Server server();

    /** Abandons the attempt if it is still running (tracker {@code onCancel}); later answers are dropped. */
    void cancel();
  }
}
