package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.ServerStats;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health tracker of one {@link ServerPool}: passive ejection (consecutive failures, success
 * rate, failure percentage, latency), a resilience4j circuit breaker per server, active checks,
 * slow start, panic, graceful drain, and per-server stats. Configured by a {@link HealthConfig}.
 *
 * <p><b>Time.</b> Everything reads the injected {@link Ticker}; nothing sleeps. Clock-driven work
 * (interval evaluation, ejection ends, slow-start steps, opening breakers' half-open probes,
 * release of departed state) happens in {@link #tick()}, which does whatever is due at the
 * ticker's now. In production a scheduler calls it at exactly the next due time; callers' outcome
 * reports also call it when something is due and nobody else is ticking. Tests advance a {@link
 * io.lbkit.testing.ManualTicker} and call {@code tick()}. With a ticker other than {@link
 * Ticker#system()} and no {@link HealthConfig#scheduler()}, nothing is scheduled on real time:
 * ticks come from outcome reports and explicit {@code tick()} calls only, so a simulation on
 * virtual time stays deterministic. Availability itself is computed from the ticker
 * on every read, so an ejection is in force until exactly its end: {@link #isAvailable} is false
 * 1 ns before and true at it, and the next tick publishes the server to the pickers.
 *
 * <p><b>Threading.</b> Outcome reports ({@code onStart}, {@code onSuccess}, {@code onFailure},
 * {@code onCancel}) and {@link #tryAcquirePermission} may come from any thread; they update
 * atomics and take the monitor's lock only for a transition (an ejection). {@link #candidates}
 * and {@code tick} run under the lock. Listeners and change listeners run after the lock is
 * released. {@link #close()} stops every scheduled task and the monitor's own scheduler thread.
 */
public class HealthMonitor extends LoadTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
  private static final Throwable NO_CAUSE = new Exception("failure reported without a cause",
      null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final ServerPool pool;
  private final HealthConfig config;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, ServerHealth> states = new ConcurrentHashMap<>();
  private final HealthEvents events;
  private final Ejector ejector;
  private final Breakers breakers;
  private final SlowStart slowStart;
  private final Background background;
  private final ActiveChecker checker; // null without active checks
  private final Membership membership;
  private final PoolListener poolListener = (previous, current) -> onPoolChange(current);
  private final Clockwork clockwork;

  private volatile long nextDueNanos = Long.MAX_VALUE;
  private boolean panicking; // under lock
  private volatile boolean closed;

  protected HealthMonitor(ServerPool pool, HealthConfig config, Ticker ticker,
      RandomSource random) {
    super(ticker, Checks.notNull(config, "config").ewmaDecay);
    this.pool = Checks.notNull(pool, "pool");
    this.config = config;
    this.ticker = ticker;
    Checks.notNull(random, "random");
    this.events = new HealthEvents(config.listeners);
    this.ejector = new Ejector(config, random, events, ticker.read());
    this.breakers = new Breakers(config, ticker);
    this.slowStart = new SlowStart(config);
    // A real-time scheduler cannot follow a fake clock: with a custom ticker, ticks are scheduled
    // only on a scheduler the user supplies (one that runs on that clock, as tests' do).
    boolean autoTick = config.autoTick && (config.scheduler != null || ticker == Ticker.system());
    this.background = new Background(config.scheduler, autoTick, ticker, this::tick);
    this.checker = config.healthCheck == null ? null
        : new ActiveChecker(config, background::scheduler, random, this::onCheckResult);
    this.membership = new Membership(states, config, ticker, breakers, slowStart, checker, events,
        this::metrics, this::metricsIfPresent, this::dropMetricsIf, this::noteDue);
    this.clockwork = new Clockwork(states, pool, ejector, slowStart, events, membership,
        this::ewmaOf, config.interval.toNanos(), config.panicThresholdPercent, ticker.read());
  }

  /**
   * A monitor of {@code pool}: it follows the pool's membership from now on, and starts its
   * scheduled work (evaluations, checks) unless {@link HealthConfig#autoTick()} is off.
   *
   * @param random the source of ejection and check jitter
   */
  public static HealthMonitor create(ServerPool pool, HealthConfig config, Ticker ticker,
      RandomSource random) {
    HealthMonitor m = new HealthMonitor(pool, config, ticker, random);
    m.start();
    return m;
  }

  /** A monitor on the system ticker and thread-local randomness. */
  public static HealthMonitor create(ServerPool pool, HealthConfig config) {
    return create(pool, config, Ticker.system(), RandomSource.threadLocal());
  }

  private void start() {
    lock.lock();
    try {
      retainLocked(pool.snapshot(), ticker.read(), false);
      nextDueNanos = Math.min(nextDueNanos, clockwork.nextIntervalNanos());
    } finally {
      lock.unlock();
    }
    pool.addListener(poolListener);
    onPoolChange(pool.snapshot()); // a change that raced the registration
    background.tickBy(nextDueNanos);
  }

  public HealthConfig config() {
    return config;
  }

  public void addListener(HealthListener listener) {
    events.add(Checks.notNull(listener, "listener"));
  }

  public void removeListener(HealthListener listener) {
    events.remove(listener);
  }

  /** The circuit breaker of {@code server}, or null when breakers are off or it is unknown. */
  public CircuitBreaker circuitBreaker(Server server) {
    ServerHealth h = states.get(Checks.notNull(server, "server").id());
    return h == null ? null : h.breaker;
  }

  // ---- outcome path -------------------------------------------------------------------------

  @Override
  public void onSuccess(Server server, long startNanos, Permit permit) {
    Checks.notNull(server, "server");
    long now = ticker.read();
    completeAt(server, startNanos, true, now);
    ServerHealth h = states.get(server.id());
    if (h != null) {
      long latency = Math.max(0L, now - startNanos);
      record(h, latency, false, now);
      if (h.consecutiveFailures.get() != 0) {
        h.consecutiveFailures.set(0);
      }
      if (countsOnBreaker(h, permit)) {
        h.breaker.onSuccess(latency, TimeUnit.NANOSECONDS);
        observeBreaker(h, now);
      }
    }
    afterOutcome(h, now);
  }

  @Override
  public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
    Checks.notNull(server, "server");
    long now = ticker.read();
    completeAt(server, startNanos, false, now);
    ServerHealth h = states.get(server.id());
    if (h != null) {
      long latency = Math.max(0L, now - startNanos);
      record(h, latency, true, now);
      int n = h.consecutiveFailures.incrementAndGet();
      if (countsOnBreaker(h, permit)) {
        h.breaker.onError(latency, TimeUnit.NANOSECONDS, error != null ? error : NO_CAUSE);
        observeBreaker(h, now);
      }
      // Once per streak, as Envoy: a streak refused by the max-ejection-percent is left to the
      // interval evaluation rather than retried, under the lock, on every further failure.
      int threshold = config.consecutiveFailures;
      if (threshold > 0 && n == threshold && !h.isEjectedAt(now)) {
        boolean ejected;
        lock.lock();
        try {
          ejected = states.get(h.id) == h
              && ejector.tryEject(h, EjectionReason.CONSECUTIVE_FAILURES, states.values(), now);
          if (ejected) {
            noteDue(h.ejectedUntil);
          }
        } finally {
          lock.unlock();
        }
        if (ejected) {
          events.flush();
          fireChange();
        }
      }
    }
    afterOutcome(h, now);
  }

  @Override
  public void onCancel(Server server, long startNanos, Permit permit) {
    super.onCancel(server, startNanos, permit);
    ServerHealth h = states.get(server.id());
    // Only a probe gives a slot back, and only to the half-open breaker that lent it: that
    // breaker cannot have moved on while this probe was out, as it waits for every probe's
    // outcome (a cancel frees the slot for another probe instead).
    if (permit == Permit.PROBE && h != null && h.breaker != null
        && h.breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      h.breaker.releasePermission();
    }
    afterOutcome(h, ticker.read());
  }

  /**
   * Whether an outcome goes to the server's breaker: always, except a call admitted before the
   * breaker went half-open, whose outcome must not stand in for a probe the breaker asked for.
   */
  private static boolean countsOnBreaker(ServerHealth h, Permit permit) {
    return h.breaker != null
        && (permit == Permit.PROBE || h.breaker.getState() != CircuitBreaker.State.HALF_OPEN);
  }

  /**
   * {@link #complete} at a reading already taken: the outcome path reads the ticker once, as a
   * clock read costs as much as the rest of the bookkeeping on some virtual machines.
   */
  private void completeAt(Server server, long startNanos, boolean success, long now) {
    ServerMetrics m = metricsIfPresent(server.id());
    if (m != null) {
      m.onComplete(now - startNanos, success, now);
    }
  }

  private static void record(ServerHealth h, long latency, boolean failed, long now) {
    h.intervalRequests.incrementAndGet();
    if (failed) {
      h.intervalFailures.incrementAndGet();
    }
    h.intervalLatencyNanos.addAndGet(latency);
    h.throughput.record(now);
  }

  private void afterOutcome(ServerHealth h, long now) {
    if (h != null) {
      membership.notifyIfDrained(h);
    }
    if (now >= nextDueNanos && !closed && lock.tryLock()) {
      boolean changed;
      try {
        changed = tickLocked(ticker.read());
      } finally {
        lock.unlock();
      }
      if (changed) {
        fireChange();
      }
      background.tickBy(nextDueNanos);
    }
    events.flush();
  }

  /**
   * Takes the breaker permission of {@code server}, the one actually chosen: a CLOSED breaker
   * always admits ({@link Permit#GRANTED}), HALF_OPEN admits only its permitted probe calls
   * ({@link Permit#PROBE}), OPEN none. The permit goes to the call's end, so a cancelled call
   * gives back a probe slot only if it took one: a call admitted while CLOSED and cancelled after
   * the breaker half-opened cannot let an extra probe in.
   */
  @Override
  public Permit tryAcquirePermission(Server server) {
    Checks.notNull(server, "server");
    ServerHealth h = states.get(server.id());
    if (h == null || h.breaker == null) {
      return Permit.GRANTED;
    }
    CircuitBreaker.State before = h.breaker.getState();
    boolean permitted = h.breaker.tryAcquirePermission();
    CircuitBreaker.State after = h.breaker.getState();
    if (after != h.lastBreakerState) { // the clock is read only for a transition
      observeBreaker(h, ticker.read());
      events.flush();
    }
    if (!permitted) {
      return Permit.REFUSED;
    }
    // Half-open on both sides of the call (or opening into it): the slot was a probe's. A closed
    // breaker cannot go half-open in between, as that needs an open wait to pass.
    return after == CircuitBreaker.State.HALF_OPEN && before != CircuitBreaker.State.CLOSED
        ? Permit.PROBE : Permit.GRANTED;
  }

  /** Notices a breaker transition made by a call into the breaker; rebuilds the pickers. */
  private void observeBreaker(ServerHealth h, long now) {
    CircuitBreaker.State s = h.breaker.getState();
    if (s == h.lastBreakerState) {
      return;
    }
    CircuitBreaker.State was = h.lastBreakerState;
    h.lastBreakerState = s;
    log.info("circuit breaker of {}: {} -> {}", h.id, was, s);
    boolean recovered = s == CircuitBreaker.State.CLOSED && was == CircuitBreaker.State.HALF_OPEN;
    if (s == CircuitBreaker.State.OPEN || recovered) {
      lock.lock(); // a transition, not every call: the lock keeps the due time from being lost
      try {
        if (recovered) { // its probes passed: ramp it up like any recovered server
          slowStart.begin(h, now);
          noteDue(now + slowStart.stepNanos());
        } else {
          noteDue(now + Clockwork.BREAKER_PROBE_NANOS);
        }
      } finally {
        lock.unlock();
      }
    }
    fireChange();
  }

  // ---- clock-driven work ----------------------------------------------------------------------

  /**
   * Does whatever is due at the ticker's now: ends ejections, moves OPEN breakers whose wait is
   * over to HALF_OPEN, steps slow starts, runs the interval evaluation when an interval has
   * passed, and releases the state of servers gone for longer than the grace period. Rebuilds the
   * pickers if anything changed. Safe to call at any time from any thread.
   */
  public void tick() {
    if (closed) {
      return;
    }
    boolean changed;
    lock.lock();
    try {
      changed = tickLocked(ticker.read());
    } finally {
      lock.unlock();
    }
    events.flush();
    if (changed) {
      fireChange();
    }
    background.tickBy(nextDueNanos);
  }

  /** Runs the interval evaluation now, whether or not an interval has passed; then ticks. */
  public void runIntervalNow() {
    lock.lock();
    try {
      clockwork.intervalDueAt(ticker.read());
    } finally {
      lock.unlock();
    }
    tick();
  }

  private boolean tickLocked(long now) {
    boolean[] changed = new boolean[1];
    nextDueNanos = clockwork.run(now, changed);
    return changed[0];
  }

  private double ewmaOf(ServerHealth h) {
    ServerMetrics m = metricsIfPresent(h.id);
    return m == null ? 0.0 : m.ewmaLatencyNanos(ticker.read());
  }

  /** Something falls due at {@code at}: have a tick run by then. Under lock. */
  private void noteDue(long at) {
    if (at < nextDueNanos) {
      nextDueNanos = at;
      background.tickBy(at);
    }
  }

  // ---- active checks --------------------------------------------------------------------------

  private void onCheckResult(ServerHealth h, int generation, boolean healthy, Throwable cause) {
    boolean changed = false;
    lock.lock();
    try {
      if (closed || states.get(h.id) != h || h.checkGeneration != generation) {
        return;
      }
      long now = ticker.read();
      if (healthy) {
        h.checkFails = 0;
        h.checkPasses++;
        if (h.checkPasses >= config.rise && (!h.checkHealthy || h.isEjectedAt(now))) {
          // rise passes in a row restore a server failed by checks or ejected passively.
          h.checkHealthy = true;
          if (h.isEjectedAt(now)) {
            h.ejectedUntil = now;
          }
          h.ejected = false;
          clockwork.restore(h, now);
          changed = true;
        }
      } else {
        h.checkPasses = 0;
        h.checkFails++;
        events.checkFailed(h.server, cause);
        if (h.checkHealthy && h.checkFails >= config.fall) {
          h.checkHealthy = false;
          h.ramping = false;
          events.ejected(h.server, EjectionReason.ACTIVE_CHECK, java.time.Duration.ZERO);
          changed = true;
        }
      }
      if (changed) {
        nextDueNanos = Math.min(nextDueNanos, now); // let a tick step the ramp
      }
    } finally {
      lock.unlock();
    }
    events.flush();
    if (changed) {
      fireChange();
      background.tickBy(nextDueNanos);
    }
  }

  // ---- membership and state -------------------------------------------------------------------

  private void onPoolChange(PoolSnapshot current) {
    lock.lock();
    try {
      retainLocked(current, ticker.read(), true);
    } finally {
      lock.unlock();
    }
    events.flush();
    background.tickBy(nextDueNanos);
  }

  @Override
  protected void retain(PoolSnapshot snapshot) {
    lock.lock();
    try {
      retainLocked(snapshot, ticker.read(), true);
    } finally {
      lock.unlock();
    }
  }

  private void retainLocked(PoolSnapshot snapshot, long now, boolean joinsRamp) {
    if (!closed) {
      membership.retain(snapshot, now, joinsRamp);
    }
  }

  // ---- the selector's side --------------------------------------------------------------------

  @Override
  public boolean isAvailable(Server server) {
    Checks.notNull(server, "server");
    if (server.weight() <= 0) {
      return false;
    }
    ServerHealth h = states.get(server.id());
    return h == null || h.isUp(ticker.read());
  }

  /**
   * The available servers, each with its slow-start ramp; in panic (available share below the
   * threshold) every server with weight above 0 whose breaker is not open; when nothing is left,
   * an empty set whose reason is {@link NoServerAvailableException.Reason#ALL_EJECTED}.
   */
  @Override
  public Candidates candidates(PoolSnapshot snapshot, RandomSource random) {
    List<Server> up = new ArrayList<>(snapshot.size());
    List<Server> open = new ArrayList<>(snapshot.size());
    int total = 0;
    long now;
    lock.lock();
    try {
      now = ticker.read();
      retainLocked(snapshot, now, true);
      for (Server s : snapshot.servers()) {
        if (s.weight() <= 0) {
          continue;
        }
        total++;
        ServerHealth h = states.get(s.id());
        if (h == null || h.isUp(now)) {
          up.add(s);
        }
        if (h == null || !h.breakerBlocks()) {
          open.add(s);
        }
      }
      boolean panic = config.panicThresholdPercent > 0 && total > 0
          && up.size() * 100.0 < config.panicThresholdPercent * total;
      if (panic != panicking) {
        panicking = panic;
        if (panic) {
          events.panicEntered(up.size(), total);
        } else {
          events.panicLeft(up.size(), total);
        }
      }
      if (panic) {
        up = open;
      }
    } finally {
      lock.unlock();
    }
    events.flush();
    Server[] servers = up.toArray(new Server[0]);
    ServerMetrics[] m = new ServerMetrics[servers.length];
    double[] ramp = null;
    for (int i = 0; i < servers.length; i++) {
      m[i] = metrics(servers[i]);
      ServerHealth h = states.get(servers[i].id());
      double r = h == null ? 1.0 : slowStart.factor(h, now);
      if (r < 1.0) {
        if (ramp == null) {
          ramp = new double[servers.length];
          java.util.Arrays.fill(ramp, 1.0);
        }
        ramp[i] = r;
      }
    }
    NoServerAvailableException.Reason reason = snapshot.isEmpty()
        ? NoServerAvailableException.Reason.EMPTY_POOL
        : total == 0 ? NoServerAvailableException.Reason.ALL_DRAINED
            : NoServerAvailableException.Reason.ALL_EJECTED;
    return Candidates.of(snapshot, servers, m, ramp, reason, random, ticker);
  }

  /** Whether the last candidates were compiled in panic mode. */
  public boolean isPanicking() {
    lock.lock();
    try {
      return panicking;
    } finally {
      lock.unlock();
    }
  }

  // ---- stats ----------------------------------------------------------------------------------

  @Override
  public ServerStats stats(Server server) {
    Checks.notNull(server, "server");
    ServerHealth h = states.get(server.id());
    Server current = h != null ? h.server : server;
    ServerStats base = super.stats(current);
    if (h == null) {
      return base;
    }
    return new ServerStats(base.server(), base.state(), base.inFlight(), base.requests(),
        base.failures(), base.ewmaLatencyNanos(), base.averageLatencyNanos(),
        h.throughput.perSecond(ticker.read()));
  }

  @Override
  protected ServerState stateOf(Server server, ServerMetrics m) {
    if (server.isDrained()) {
      return super.stateOf(server, m);
    }
    ServerHealth h = states.get(server.id());
    if (h == null) {
      return ServerState.HEALTHY;
    }
    long now = ticker.read();
    if (!h.isUp(now)) {
      return ServerState.EJECTED;
    }
    return slowStart.factor(h, now) < 1.0 ? ServerState.SLOW_START : ServerState.HEALTHY;
  }

  /** Stops every background task (evaluations, checks) and stops following the pool. */
  @Override
  public void close() {
    closed = true;
    pool.removeListener(poolListener);
    if (checker != null) {
      checker.close();
      lock.lock();
      try {
        for (ServerHealth h : states.values()) {
          checker.stop(h);
        }
      } finally {
        lock.unlock();
      }
    }
    background.close();
  }

  @Override
  public String toString() {
    return "HealthMonitor{" + states.size() + " servers, " + config + '}';
  }
}
