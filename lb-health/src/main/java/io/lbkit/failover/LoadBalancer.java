package io.lbkit.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.Attempt;
import io.lbkit.Explanation;
import io.lbkit.Scheduler;
import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.HealthListener;
import io.lbkit.health.HealthMonitor;
import io.lbkit.internal.Checks;
import io.lbkit.internal.DefaultSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool, a strategy, health tracking and a failover mode in one object: the facade most users
 * need.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(pool)
 *     .strategy(Strategies.peakEwma())
 *     .health(HealthConfig.defaults())
 *     .failover(Failover.retry(3))
 *     .build();
 * Order o = lb.execute(server -> orderClient.place(server, order));
 * }</pre>
 *
 * <p>Each attempt is an {@link Attempt}: chosen (excluding the servers this call already tried),
 * the server's breaker permission taken (a refusal means choosing again without that server),
 * the call made, then ended once, as a success or failure as the {@link OutcomeClassifier}
 * decides (classified once per attempt), or as a cancel for a copy that lost a race. The {@link
 * Failover} mode decides what happens next. It can also be used as a plain {@link Selector}:
 * {@link #begin} for callers that make the call themselves, {@code choose()} for a bare pick.
 *
 * <p>Threading: every method is safe from any thread. {@code execute} runs the call on the
 * caller's thread, except under {@code forking} and {@code hedged}, which run blocking copies on
 * the balancer's executor while the caller waits; backoff waits happen on the caller's thread
 * through the {@link Scheduler}. {@code executeAsync} never blocks the caller.
 *
 * <p>Threads: one scheduler serves the balancer and its health monitor (timers, backoff, health
 * ticks and checks), and picker rebuilds after health changes run on the balancer's executor, so
 * the call whose outcome ejected a server does not pay for the rebuild (pool updates still
 * rebuild before {@code update()} returns). A balancer given both a scheduler and an executor
 * starts no thread of its own; without them it starts, when first needed, one daemon timer
 * thread ({@code lbkit-N-timer-1}) and a daemon call pool ({@code lbkit-N-call-*}).
 *
 * <p>{@link #close()} stops choosing (calls then fail with {@code NoServerAvailableException},
 * reason CLOSED), cancels background fail-back retries, and closes what the builder created: the
 * health monitor and the balancer's own threads; a tracker, scheduler or executor passed in
 * stays the caller's to close.
 */
public final class LoadBalancer implements Selector, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

  private final ServerPool pool;
  private final DefaultSelector selector;
  private final Failover failover;
  private final Engine engine;
  private final Mode mode;
  private final AutoCloseable ownedTracker;
  private final OwnedExecutors owned;
  private final BalancerCounters counters;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LoadBalancer(Builder b) {
    Ticker ticker = b.ticker;
    RandomSource random = b.random;
    this.owned = b.scheduler == null || b.executor == null ? new OwnedExecutors() : null;
    Scheduler scheduler = b.scheduler != null ? b.scheduler : owned;
    Executor executor = b.executor != null ? b.executor : owned;
    HealthTracker tracker = b.tracker;
    AutoCloseable ownedTracker = null;
    if (tracker == null) {
      HealthMonitor.Builder mb = HealthMonitor.builder(b.pool)
          .config(b.health != null ? b.health : HealthConfig.defaults())
          .ticker(ticker)
          .random(random);
      // The balancer's own timer runs on real time: it may tick a monitor on the system ticker
      // only; with a fake ticker, only a scheduler the caller gave (which follows that clock).
      if (b.scheduler != null || ticker == Ticker.system()) {
        mb.scheduler(scheduler);
      }
      if (b.breakerRegistry != null) {
        mb.breakerRegistry(b.breakerRegistry);
      }
      for (HealthListener l : b.healthListeners) {
        mb.listener(l);
      }
      HealthMonitor monitor = mb.build();
      tracker = monitor;
      ownedTracker = monitor;
    }
    this.ownedTracker = ownedTracker;
    this.pool = b.pool;
    this.failover = b.failover;
    this.selector = new DefaultSelector(b.pool, failover.wrap(b.strategy), tracker, random,
        b.rebuildExecutor != null ? b.rebuildExecutor : executor);
    RetryBudget budget = b.budget != null ? b.budget : RetryBudget.defaults(ticker);
    this.engine = new Engine(selector, b.classifier, budget, scheduler, executor, random, ticker);
    for (CallListener l : b.callListeners) {
      engine.events.add(l);
    }
    this.counters = new BalancerCounters(engine.events, selector);
    this.mode = failover.bind(engine);
  }

  /**
   * Starts a balancer over {@code pool}; a strategy must be set before {@link Builder#build()}.
   *
   * @param pool the servers to balance over; the balancer follows its changes until closed
   * @return a new builder
   * @throws NullPointerException if {@code pool} is null
   */
  public static Builder builder(ServerPool pool) {
    return new Builder(pool);
  }

  /**
   * Runs {@code call} under the failover mode, with {@link Request#NONE}.
   *
   * @param <T> the result type
   * @param <E> the checked exception {@code call} may throw
   * @param call one attempt against a chosen server; may run more than once
   * @return the successful result, or the last result if the last attempt returned one that the
   *     classifier judged a failure (fail-safe and fail-back modes: the fallback)
   * @throws E the last attempt's error, as thrown (an unchecked one passes through likewise)
   * @throws io.lbkit.NoServerAvailableException when no server could be chosen, or the balancer
   *     is closed (fail-safe and fail-back modes: the fallback instead)
   * @throws NullPointerException if {@code call} is null
   */
  public <T, E extends Exception> T execute(Call<T, E> call) throws E {
    return execute(Request.NONE, call);
  }

  /**
   * As {@link #execute(Call)}, for {@code request} (hash key, idempotency, read or write).
   *
   * @param <T> the result type
   * @param <E> the checked exception {@code call} may throw
   * @param request the call's key, exclusions and kind; its exclusions are never chosen
   * @param call one attempt against a chosen server; may run more than once
   * @return the successful result, or the last result if the last attempt returned one that the
   *     classifier judged a failure (fail-safe and fail-back modes: the fallback)
   * @throws E the last attempt's error, as thrown (an unchecked one passes through likewise)
   * @throws io.lbkit.NoServerAvailableException when no server could be chosen, or the balancer
   *     is closed (fail-safe and fail-back modes: the fallback instead)
   * @throws NullPointerException if {@code request} or {@code call} is null
   */
  public <T, E extends Exception> T execute(Request request, Call<T, E> call) throws E {
    Checks.notNull(request, "request");
    Checks.notNull(call, "call");
    return mode.execute(request, call);
  }

  /**
   * Runs {@code call} under the failover mode without blocking, with {@link Request#NONE};
   * cancelling the result cancels every attempt in flight. Failures complete the future
   * exceptionally, as {@link #execute} would throw them, {@code NoServerAvailableException}
   * included.
   *
   * @param <T> the result type
   * @param call starts one attempt against a chosen server; may run more than once
   * @return the call's future, which always completes, also across {@link #close()}
   * @throws NullPointerException if {@code call} is null
   */
  public <T> CompletableFuture<T> executeAsync(AsyncCall<T> call) {
    return executeAsync(Request.NONE, call);
  }

  /**
   * As {@link #executeAsync(AsyncCall)}, for {@code request}.
   *
   * @param <T> the result type
   * @param request the call's key, exclusions and kind; its exclusions are never chosen
   * @param call starts one attempt against a chosen server; may run more than once
   * @return the call's future, which always completes, also across {@link #close()}
   * @throws NullPointerException if {@code request} or {@code call} is null
   */
  public <T> CompletableFuture<T> executeAsync(Request request, AsyncCall<T> call) {
    Checks.notNull(request, "request");
    Checks.notNull(call, "call");
    return mode.executeAsync(request, call);
  }

  @Override
  public Server choose(Request request) {
    return selector.choose(request);
  }

  /** The pick through the failover's tiers (primaryBackup, readWrite), as execute makes it. */
  @Override
  public Explanation explain(Request request) {
    return selector.explain(request);
  }

  /**
   * Begins one call that the caller makes and ends itself (no failover: the mode applies to
   * {@link #execute} only): the server chosen, its breaker permission taken, its in-flight count
   * started; the call counts toward the {@link RetryBudget} and so does its outcome.
   *
   * <pre>{@code
   * try (Attempt a = lb.begin(request)) {
   *   Response r = client.call(a.server());
   *   a.success();
   * }
   * }</pre>
   *
   * @param request the call's key, exclusions and kind
   * @return the started attempt, to be ended exactly once
   * @throws io.lbkit.NoServerAvailableException when nothing can be chosen, with the reason
   * @throws NullPointerException if {@code request} is null
   */
  @Override
  public Attempt begin(Request request) {
    return engine.beginFirst(false, Checks.notNull(request, "request"));
  }

  @Override
  public HealthTracker tracker() {
    return engine.tracker;
  }

  /** {@return the pool this balancer follows} */
  public ServerPool pool() {
    return pool;
  }

  /** {@return the failover mode every {@code execute} runs under} */
  public Failover failover() {
    return failover;
  }

  /** {@return the budget every extra attempt draws on} */
  public RetryBudget budget() {
    return engine.budget;
  }

  /** {@return what this balancer has counted: attempts, refusals, pool updates, pickers} */
  public BalancerCounters counters() {
    return counters;
  }

  /**
   * Adds a listener of this balancer's attempts and refusals, in addition to those given to the
   * builder.
   *
   * @param listener told of every attempt's end and every refusal from now on
   * @throws NullPointerException if {@code listener} is null
   */
  public void addCallListener(CallListener listener) {
    engine.events.add(Checks.notNull(listener, "listener"));
  }

  /**
   * Removes a call listener; an unknown one is ignored.
   *
   * @param listener the listener to remove
   */
  public void removeCallListener(CallListener listener) {
    engine.events.remove(listener);
  }

  /** {@return how many calls wait for, or run, a background fail-back retry; 0 in other modes} */
  public int pendingRetries() {
    return mode.pendingRetries();
  }

  /**
   * Closes the balancer; see the class comment for what stops. Idempotent; a second call does
   * nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(mode);
    selector.close();
    engine.close(); // calls waiting on a timer end now instead of never
    closeQuietly(ownedTracker);
    closeQuietly(owned);
  }

  private static void closeQuietly(Object o) {
    if (o instanceof AutoCloseable) {
      try {
        ((AutoCloseable) o).close();
      } catch (Exception e) {
        log.warn("closing {} failed", o, e);
      }
    }
  }

  @Override
  public String toString() {
    return "LoadBalancer{" + selector + ", " + failover + ", " + engine.budget + '}';
  }

  /** Builds a {@link LoadBalancer}; every setter validates at once, {@link #build()} the rest. */
  public static final class Builder {
    private final ServerPool pool;
    private Strategy strategy;
    private HealthConfig health;
    private HealthTracker tracker;
    private Failover failover = Failover.failFast();
    private RetryBudget budget;
    private Ticker ticker = Ticker.system();
    private RandomSource random = RandomSource.threadLocal();
    private Scheduler scheduler;
    private Executor executor;
    private Executor rebuildExecutor;
    private CircuitBreakerRegistry breakerRegistry;
    private final List<HealthListener> healthListeners = new ArrayList<>();
    private final List<CallListener> callListeners = new ArrayList<>();
    private OutcomeClassifier classifier = OutcomeClassifier.defaults();

    private Builder(ServerPool pool) {
      this.pool = Checks.notNull(pool, "pool");
    }

    /**
     * Required: the selection algorithm, e.g. {@code Strategies.peakEwma()} from lb-strategies.
     * (lb-health does not depend on lb-strategies, so there is no default to fall back on.)
     *
     * @param strategy the algorithm; tiered failover modes wrap it
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Checks.notNull(strategy, "strategy");
      return this;
    }

    /**
     * Health tracking settings for the {@link HealthMonitor} the balancer creates and owns;
     * {@link HealthConfig#defaults()} when neither this nor {@link #tracker} is set.
     *
     * @param health the settings
     * @return this builder
     * @throws NullPointerException if {@code health} is null
     */
    public Builder health(HealthConfig health) {
      this.health = Checks.notNull(health, "health");
      return this;
    }

    /**
     * A tracker of the caller's (for example a plain {@code LoadTracker}), instead of {@link
     * #health}; the balancer does not close it.
     *
     * @param tracker the tracker attempts report to and candidates come from
     * @return this builder
     * @throws NullPointerException if {@code tracker} is null
     */
    public Builder tracker(HealthTracker tracker) {
      this.tracker = Checks.notNull(tracker, "tracker");
      return this;
    }

    /**
     * Sets the failover mode (default {@link Failover#failFast()}: nothing is repeated unless
     * asked for).
     *
     * @param failover the mode
     * @return this builder
     * @throws NullPointerException if {@code failover} is null
     */
    public Builder failover(Failover failover) {
      this.failover = Checks.notNull(failover, "failover");
      return this;
    }

    /**
     * Sets the budget of extra attempts (default {@link RetryBudget#defaults}: 20% of calls +
     * 10/s over 10 s, on the balancer's ticker). One budget may be shared by several balancers.
     *
     * @param budget the budget
     * @return this builder
     * @throws NullPointerException if {@code budget} is null
     */
    public Builder budget(RetryBudget budget) {
      this.budget = Checks.notNull(budget, "budget");
      return this;
    }

    /**
     * Sets the clock of the balancer and of the monitor it creates (default {@link
     * Ticker#system()}). On another ticker the balancer's own timer thread does not tick the
     * monitor: give a scheduler that follows that clock.
     *
     * @param ticker the time source
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the source of every random choice: picks, backoff jitter, the monitor's jitter (default
     * {@link RandomSource#threadLocal()}).
     *
     * @param random the source
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomSource random) {
      this.random = Checks.notNull(random, "random");
      return this;
    }

    /**
     * Sets where timers run and backoff waits happen, for the balancer and the monitor it creates;
     * default a daemon timer thread the balancer owns.
     *
     * @param scheduler the scheduler; the balancer does not shut it down
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Timers on {@code executor}, which the balancer does not shut down: {@code
     * scheduler(Scheduler.of(executor))}.
     *
     * @param executor runs the timers
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder scheduler(ScheduledExecutorService executor) {
      return scheduler(Scheduler.of(executor));
    }

    /**
     * Where blocking copies (forks, hedges, fail-back retries) and, by default, picker rebuilds
     * run; default a daemon cached pool the balancer owns.
     *
     * @param executor the executor; the balancer does not shut it down
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * One pool for both roles: blocking copies run on {@code executor} and, unless {@link
     * #scheduler} is set, timers too. The balancer does not shut it down.
     *
     * @param executor the executor
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Checks.notNull(executor, "executor");
      if (scheduler == null) {
        this.scheduler = Scheduler.of(executor);
      }
      return this;
    }

    /**
     * Where pickers are rebuilt after a health change (an ejection, a restoration, a ramp step),
     * so that the thread whose outcome report caused it does not pay for the rebuild. Default:
     * the balancer's {@link #executor}. Tests that check picks right after an ejection pass
     * {@code Runnable::run}, which rebuilds on the reporting thread before it returns. Pool
     * updates rebuild before {@code update()} returns whatever this is.
     *
     * @param executor runs the rebuilds; a burst of changes queues one
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder rebuildExecutor(Executor executor) {
      this.rebuildExecutor = Checks.notNull(executor, "rebuildExecutor");
      return this;
    }

    /**
     * Adds a listener of the health events of the monitor the balancer creates (not with {@link
     * #tracker}).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder healthListener(HealthListener listener) {
      healthListeners.add(Checks.notNull(listener, "healthListener"));
      return this;
    }

    /**
     * Adds a listener of the balancer's attempts and refusals (see {@link CallListener}).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder callListener(CallListener listener) {
      callListeners.add(Checks.notNull(listener, "callListener"));
      return this;
    }

    /**
     * The registry the created monitor keeps its per-server breakers in (for
     * resilience4j-micrometer); default one of the monitor's own. Not with {@link #tracker}.
     *
     * @param registry the registry
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder breakerRegistry(CircuitBreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "breakerRegistry");
      return this;
    }

    /**
     * Sets what decides each attempt's outcome (default {@link OutcomeClassifier#defaults()}); a
     * {@code null} answer defers to the defaults.
     *
     * @param classifier the classifier
     * @return this builder
     * @throws NullPointerException if {@code classifier} is null
     */
    public Builder classifier(OutcomeClassifier classifier) {
      this.classifier = Checks.notNull(classifier, "classifier");
      return this;
    }

    /**
     * Builds the balancer: creates its health monitor unless a tracker was given, builds the first
     * picker, and follows the pool from then on.
     *
     * @return the new balancer; {@link LoadBalancer#close()} it when done
     * @throws IllegalStateException if no strategy was set, both {@code health} and {@code tracker}
     *     were set, a health listener or breaker registry was given with a tracker, or active
     *     checks run on a ticker other than the system one without a scheduler
     */
    public LoadBalancer build() {
      Checks.state(strategy != null, "strategy", null,
          "set before build(), e.g. Strategies.roundRobin() from lb-strategies");
      Checks.state(health == null || tracker == null, "tracker", tracker,
          "either health(...) or tracker(...), not both");
      Checks.state(tracker == null || (healthListeners.isEmpty() && breakerRegistry == null),
          "tracker", tracker, "no healthListener(...) or breakerRegistry(...): they configure "
              + "the monitor the balancer creates, and a tracker was given");
      return new LoadBalancer(this);
    }
  }
}
