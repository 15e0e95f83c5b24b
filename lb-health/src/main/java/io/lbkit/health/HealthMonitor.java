package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolListener;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Scheduler;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerState;
import io.lbkit.ServerStats;
import io.lbkit.Ticker;
import io.lbkit.internal.Checks;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.ServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The health tracker of one {@link ServerPool}: passive ejection (consecutive failures, success
 * rate, failure percentage, latency), a resilience4j circuit breaker per server, active checks,
 * slow start, panic, graceful drain, and per-server stats, as a {@link HealthConfig} says. Built
 * with {@link #builder}, which also takes the runtime objects: ticker, randomness, scheduler,
 * listeners, breaker registry.
 *
 * <p><b>Who owns what.</b> Each server's state and every transition of it is {@link
 * ServerHealth}'s; whether and for how long to eject is {@link Ejector}'s (pure policy); the ramp
 * curve is {@link SlowStart}'s and the panic rule {@link Panic}'s; the interval's time is kept by
 * the clockwork; in-flight counts, totals and the peak EWMA are the core {@code LoadTracker}'s
 * per-server metrics, which this monitor composes. This class routes outcomes, permissions, check
 * results and pool changes to those owners, and turns their answers into events and rebuilds.
 *
 * <p><b>Time.</b> Everything reads the injected {@link Ticker}; nothing sleeps. Clock-driven work
 * (interval evaluation, ejection ends, an OPEN breaker's move to HALF_OPEN at the end of its wait,
 * slow-start steps, release of departed state) happens in {@link #tick()}, which does whatever is
 * due at the ticker's now. A tick is scheduled at exactly the next due time on the builder's
 * {@link Scheduler} (or, on the system ticker without one, on a daemon thread the monitor owns);
 * outcome reports also tick when something is due and nobody else is ticking. With a ticker other
 * than {@link Ticker#system()} and no scheduler, nothing is scheduled: ticks come from outcome
 * reports and explicit {@code tick()} calls only, so a simulation on virtual time stays
 * deterministic. Availability itself is computed from the ticker on every read, so an ejection is
 * in force until exactly its end: {@link #isAvailable} is false 1 ns before and true at it.
 *
 * <p><b>Threading.</b> Outcome reports ({@code onStart}, {@code onSuccess}, {@code onFailure},
 * {@code onCancel}) and {@link #tryAcquirePermission} may come from any thread; they update
 * atomics and take the monitor's lock only for a transition (an ejection, a breaker move). {@link
 * #candidates} and {@code tick} run under the lock. Listeners and change listeners run after the
 * lock is released; what a listener throws is logged and changes nothing. {@link #close()} stops
 * every scheduled task and the monitor's own scheduler thread.
 */
public final class HealthMonitor implements HealthTracker, AutoCloseable {
  private static final Throwable NO_CAUSE = new Exception("failure reported without a cause",
      null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final ServerPool pool;
  private final HealthConfig config;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, ServerHealth> states;
  private final LoadMetrics load;
  private final HealthEvents events;
  private final Ejector ejector;
  private final Breakers breakers;
  private final Background background;
  private final ActiveChecker checker; // null without active checks
  private final Membership membership;
  private final Clockwork clockwork;
  private final PoolListener poolListener = (previous, current) -> onPoolChange(current);

  private volatile long nextDueNanos; // a ticker reading, compared by difference
  private boolean panicking; // under lock
  private volatile boolean closed;

  private HealthMonitor(Builder b) {
    this.pool = b.pool;
    this.config = b.config;
    this.ticker = b.ticker;
    // Sized for the pool at hand: growing a map of 100 000 entries rehashes it 13 times.
    this.states = new ConcurrentHashMap<>(Math.max(16, pool.snapshot().size()));
    this.load = new LoadMetrics(ticker, config.ewmaDecay);
    this.events = new HealthEvents(b.listeners);
    this.ejector = new Ejector(config, b.random);
    this.breakers = new Breakers(config, b.breakerRegistry, ticker);
    this.background = new Background(b.scheduler, ticker, this::tick);
    this.checker = config.activeChecks == null ? null
        : new ActiveChecker(config.activeChecks, background::scheduler, b.random,
            this::onCheckResult);
    this.membership = new Membership(states, config, ticker, breakers, checker, events, load,
        this::noteDue);
    this.clockwork = new Clockwork(states, pool, config, ejector, events, membership, load,
        this::observeBreakerLocked, ticker.read());
    this.nextDueNanos = clockwork.nextIntervalNanos(); // something is always due: the interval
  }

  /**
   * A builder of a monitor of {@code pool}, with {@link HealthConfig#defaults()}.
   *
   * @param pool the pool to follow; one monitor serves one pool
   * @return a new builder
   * @throws NullPointerException if {@code pool} is null
   */
  public static Builder builder(ServerPool pool) {
    return new Builder(pool);
  }

  /**
   * A monitor of {@code pool} on the system ticker and thread-local randomness, its ticks and
   * checks on a daemon thread of its own; {@link #close()} it when done.
   *
   * @param pool the pool to follow
   * @param config what to detect, eject, check and restore
   * @return the started monitor
   * @throws NullPointerException if {@code pool} or {@code config} is null
   */
  public static HealthMonitor create(ServerPool pool, HealthConfig config) {
    return builder(pool).config(config).build();
  }

  private void start() {
    lock.lock();
    try {
      retainLocked(pool.snapshot(), ticker.read(), false);
    } finally {
      lock.unlock();
    }
    pool.addListener(poolListener);
    onPoolChange(pool.snapshot()); // a change that raced the registration
    background.tickBy(nextDueNanos);
  }

  /** {@return the settings this monitor applies} */
  public HealthConfig config() {
    return config;
  }

  /**
   * Adds a listener of health transitions, in addition to those given to the builder.
   *
   * @param listener told of every transition from now on
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(HealthListener listener) {
    events.add(Checks.notNull(listener, "listener"));
  }

  /**
   * Removes a listener; an unknown one is ignored.
   *
   * @param listener the listener to remove
   */
  public void removeListener(HealthListener listener) {
    events.remove(listener);
  }

  /**
   * The circuit breaker of {@code server} (by id), for inspection or for the application to move.
   *
   * @param server the server asked about
   * @return its breaker, or null when breakers are off or the server is not a member
   * @throws NullPointerException if {@code server} is null
   */
  public CircuitBreaker circuitBreaker(Server server) {
    ServerHealth h = states.get(Checks.notNull(server, "server").id());
    return h == null ? null : breakers.of(h);
  }

  /**
   * The registry holding every server's breaker (by server id): the one given to the builder, or
   * the monitor's own; for binding metrics (resilience4j-micrometer) or the application's own use.
   * The monitor's own registry is empty when breakers are off; a given one holds whatever it held.
   *
   * <p>In its own registry, with a count-based window, the monitor makes a server's breaker when
   * it is first needed (a failure, a slow call, {@link #circuitBreaker}), replaying the successes
   * it had until then, so its state is the one it would have had from the start; a server that
   * never fails costs no breaker. The first call of this method makes every member's breaker and
   * every later one at its server's join, so the registry returned holds them all.
   *
   * @return the registry
   */
  public CircuitBreakerRegistry breakerRegistry() {
    if (breakers.later()) {
      lock.lock();
      try {
        breakers.makeEveryBreaker();
        for (ServerHealth h : states.values()) {
          breakers.of(h);
        }
      } finally {
        lock.unlock();
      }
    }
    return breakers.registry();
  }

  // ---- outcome path -------------------------------------------------------------------------

  @Override
  public long onStart(Server server) {
    return load.onStart(server);
  }

  @Override
  public void onSuccess(Server server, long startNanos, Permit permit) {
    Checks.notNull(server, "server");
    long now = ticker.read();
    ServerHealth h = complete(server, startNanos, true, now);
    if (h != null) {
      h.succeeded();
      long took = Math.max(0L, now - startNanos);
      CircuitBreaker b = breakers.forSuccess(h, took);
      if (b != null && countsOnBreaker(b, permit)) {
        b.onSuccess(took, TimeUnit.NANOSECONDS);
        observeBreaker(h, now);
      }
    }
    afterOutcome(h, now);
  }

  @Override
  public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
    Checks.notNull(server, "server");
    long now = ticker.read();
    ServerHealth h = complete(server, startNanos, false, now);
    if (h != null) {
      int streak = h.failed();
      CircuitBreaker b = breakers.of(h); // a failure needs the breaker
      if (b != null && countsOnBreaker(b, permit)) {
        b.onError(Math.max(0L, now - startNanos), TimeUnit.NANOSECONDS,
            error != null ? error : NO_CAUSE);
        observeBreaker(h, now);
      }
      if (ejector.streakEjects(streak) && !h.isEjectedAt(now)) {
        ejectForStreak(h, now);
      }
    }
    afterOutcome(h, now);
  }

  private void ejectForStreak(ServerHealth h, long now) {
    boolean ejected = false;
    lock.lock();
    try {
      if (states.get(h.id) == h && ejector.mayEject(states.values(), now)
          && h.eject(EjectionReason.CONSECUTIVE_FAILURES, now, ejector)
              == ServerHealth.Change.EJECTED) {
        ejected = true;
        events.ejected(h.server, EjectionReason.CONSECUTIVE_FAILURES,
            Duration.ofNanos(h.ejectedUntil() - now));
        noteDue(h.ejectedUntil());
      }
    } finally {
      lock.unlock();
    }
    if (ejected) {
      events.flush();
      load.changed();
    }
  }

  @Override
  public void onCancel(Server server, long startNanos, Permit permit) {
    load.onCancel(server, startNanos, permit);
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
  private static boolean countsOnBreaker(CircuitBreaker b, Permit permit) {
    return permit == Permit.PROBE || b.getState() != CircuitBreaker.State.HALF_OPEN;
  }

  /**
   * Records one completed call in the load metrics, at a reading already taken (the outcome path
   * reads the ticker once: a clock read costs as much as the rest of the bookkeeping on some
   * virtual machines). The interval detectors and the throughput read those cumulative figures,
   * so nothing here is counted twice. Returns the server's health state, if it has one.
   */
  private ServerHealth complete(Server server, long startNanos, boolean success, long now) {
    ServerMetrics m = load.ifPresent(server.id());
    ServerHealth h = states.get(server.id());
    if (m != null) {
      m.onComplete(now - startNanos, success, now);
      if (h != null) {
        h.throughput.record(now, m.requests());
      }
    }
    return h;
  }

  // Kept small, with the rare work in methods of its own, so the JIT can inline the whole
  // outcome path into the call and scalar-replace the attempt (0 B/op when it does); a bigger
  // method here made every fork allocate the attempt.
  private void afterOutcome(ServerHealth h, long now) {
    if (h != null && h.isDraining()) {
      membership.notifyIfDrained(h);
    }
    if (now - nextDueNanos >= 0) {
      tickFromOutcome();
    }
    events.flushIfAny();
  }

  /** An outcome found the next evaluation due: run it here unless another thread is at it. */
  private void tickFromOutcome() {
    if (closed || !lock.tryLock()) {
      return;
    }
    boolean changed;
    try {
      changed = tickLocked(ticker.read());
    } finally {
      lock.unlock();
    }
    events.flush();
    if (changed) {
      load.changed();
    }
    background.tickBy(nextDueNanos);
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
    CircuitBreaker b = h == null ? null : h.breaker;
    if (b == null) { // no breaker, or none made yet: a new one is CLOSED, and admits every call
      return Permit.GRANTED;
    }
    CircuitBreaker.State before = b.getState();
    boolean permitted = b.tryAcquirePermission();
    CircuitBreaker.State after = b.getState();
    if (after != h.breakerState) { // the clock is read only for a transition
      observeBreaker(h, ticker.read());
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
    if (h.breaker.getState() == h.breakerState) {
      return;
    }
    boolean changed;
    lock.lock(); // a transition, not every call: the lock keeps the due time from being lost
    try {
      changed = observeBreakerLocked(h, now);
    } finally {
      lock.unlock();
    }
    events.flush();
    if (changed) {
      load.changed();
    }
  }

  /**
   * Hands the breaker's current state to its server's state machine, reports the move, and has a
   * tick run when the move makes something due: an OPEN breaker's wait end (or, in panic, its
   * short wait), a recovered server's ramp steps. Under lock.
   */
  private boolean observeBreakerLocked(ServerHealth h, long now) {
    CircuitBreaker.State was = h.breakerState;
    CircuitBreaker.State s = h.breaker.getState();
    ServerHealth.Change c = h.breakerMoved(s, now, config.slowStart,
        openings -> Breakers.halfOpenAt(h.breaker, now, openings));
    if (!c.changed()) {
      return false;
    }
    events.breakerMoved(h.server, was, s);
    if (s == CircuitBreaker.State.OPEN) {
      boolean panic = panicAt(pool.snapshot(), now, null, null);
      noteDue(panic ? Clockwork.earlier(h.breakerHalfOpenAt, now + Clockwork.PANIC_PROBE_NANOS)
          : h.breakerHalfOpenAt);
    } else if (h.isRamping()) {
      noteDue(now + config.slowStart.stepNanos());
    }
    return true;
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
      load.changed();
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
    nextDueNanos = clockwork.run(now, panicAt(pool.snapshot(), now, null, null), changed);
    return changed[0];
  }

  private static int weighted(PoolSnapshot snapshot) {
    int n = 0;
    for (Server s : snapshot.servers()) {
      if (s.weight() > 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether the pool is in panic at {@code now}: the one place that counts the available share of
   * the weighted servers and asks the {@link Panic} rule (false when panic is off). Fills {@code
   * up} (available) and {@code open} (breaker not open) when given. Under lock.
   */
  private boolean panicAt(PoolSnapshot snapshot, long now, List<Server> up, List<Server> open) {
    if (config.panic == null && up == null && open == null) {
      return false;
    }
    int total = 0;
    int available = 0;
    for (Server s : snapshot.servers()) {
      if (s.weight() <= 0) {
        continue;
      }
      total++;
      ServerHealth h = states.get(s.id());
      if (h == null || h.isUp(now)) {
        available++;
        if (up != null) {
          up.add(s);
        }
      }
      if (open != null && (h == null || !h.breakerBlocks())) {
        open.add(s);
      }
    }
    return config.panic != null && config.panic.test(available, total);
  }

  /** Something falls due at {@code at}: have a tick run by then. Under lock. */
  private void noteDue(long at) {
    if (at - nextDueNanos < 0) {
      nextDueNanos = at;
      background.tickBy(at);
    }
  }

  // ---- active checks --------------------------------------------------------------------------

  private void onCheckResult(ServerHealth h, int generation, boolean healthy, Throwable cause) {
    ServerHealth.Change c;
    lock.lock();
    try {
      if (closed || states.get(h.id) != h || h.checkGeneration != generation) {
        return;
      }
      long now = ticker.read();
      ActiveChecks checks = config.activeChecks;
      if (healthy) {
        c = h.checkPassed(checks.rise(), now, config.slowStart);
      } else {
        events.checkFailed(h.server, cause);
        c = h.checkFailed(checks.fall());
      }
      if (c == ServerHealth.Change.RESTORED) {
        events.restored(h.server);
      } else if (c == ServerHealth.Change.EJECTED) {
        events.ejected(h.server, EjectionReason.ACTIVE_CHECK, Duration.ZERO);
      }
      if (c.changed()) {
        noteDue(now); // a tick settles the rest: the ramp's steps, the ejection's end
      }
    } finally {
      lock.unlock();
    }
    events.flush();
    if (c.changed()) {
      load.changed();
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

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public ServerMetrics metrics(Server server) {
    return load.metrics(server);
  }

  @Override
  public void addChangeListener(Runnable listener) {
    load.addChangeListener(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    load.removeChangeListener(listener);
  }

  /** Kept with the load metrics, which the monitor composes; health ignores it. */
  @Override
  public void onLoadReport(Server server, io.lbkit.LoadReport report) {
    load.onLoadReport(server, report);
  }

  @Override
  public void addLoadReportListener(Runnable listener) {
    load.addLoadReportListener(listener);
  }

  @Override
  public void removeLoadReportListener(Runnable listener) {
    load.removeLoadReportListener(listener);
  }

  /**
   * The available servers, each with its slow-start ramp; in panic (as {@link Panic} decides)
   * every server with weight above 0 whose breaker is not open; when nothing is left, an empty
   * set whose reason is {@link NoServerAvailableException.Reason#ALL_EJECTED}.
   */
  @Override
  public Candidates candidates(PoolSnapshot snapshot, RandomSource random) {
    List<Server> up = new ArrayList<>(snapshot.size());
    List<Server> open = new ArrayList<>(snapshot.size());
    long now;
    boolean panic;
    int total;
    lock.lock();
    try {
      now = ticker.read();
      retainLocked(snapshot, now, true);
      panic = panicAt(snapshot, now, up, open);
      total = weighted(snapshot);
      if (panic != panicking) {
        panicking = panic;
        if (panic) {
          events.panicEntered(up.size(), total);
          noteDue(now); // open breakers get their probes early: a tick sees to it
        } else {
          events.panicLeft(up.size(), total);
        }
      }
    } finally {
      lock.unlock();
    }
    if (panic) {
      up = open;
    }
    // Delivered in afterCandidates(): the selector calls this under its rebuild lock.
    Server[] servers = up.toArray(new Server[0]);
    ServerMetrics[] m = new ServerMetrics[servers.length];
    double[] ramp = null;
    for (int i = 0; i < servers.length; i++) {
      m[i] = load.metrics(servers[i]);
      ServerHealth h = states.get(servers[i].id());
      double r = h == null ? 1.0 : h.rampFactor(now, config.slowStart);
      if (r < 1.0) {
        if (ramp == null) {
          ramp = new double[servers.length];
          Arrays.fill(ramp, 1.0);
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

  /**
   * Writes down why each member of {@code pool} that is no candidate is out (ejected and by
   * which detector, failing checks, breaker open, drained), what health says of the candidates
   * (slow-start ramp, half-open breaker), whether the pool is in panic, and the departed servers
   * whose state is kept. Takes the monitor's lock; changes nothing.
   */
  @Override
  public void describe(PoolSnapshot pool, Candidates candidates, PickReport report) {
    List<String> notes = new ArrayList<>();
    lock.lock();
    try {
      long now = ticker.read();
      List<Server> up = new ArrayList<>();
      boolean panic = panicAt(pool, now, up, null);
      int total = weighted(pool);
      if (config.panic != null) {
        notes.add((panic ? "panic: " : "no panic: ") + up.size() + " of " + total
            + " servers available, panic below " + config.panic.thresholdPercent() + "%"
            + (panic ? "; choosing among every server whose breaker is not open" : ""));
      }
      for (Server s : pool.servers()) {
        ServerHealth h = states.get(s.id());
        String said = h == null ? null : h.explain(now, config.slowStart);
        if (s.weight() <= 0) {
          ServerMetrics m = load.ifPresent(s.id()); // not metrics(s): that would make an entry
          int inFlight = m == null ? 0 : m.inFlight();
          said = inFlight > 0 ? "draining: weight 0, calls in flight: " + inFlight
              : "drained (weight 0)";
        }
        if (said != null) {
          report.health(s, said);
        }
      }
      membership.departed().forEach((id, d) ->
          notes.add("departed " + id + ": " + ServerHealth.explain(d, now)));
    } finally {
      lock.unlock();
    }
    notes.forEach(report::note);
  }

  @Override
  public void afterCandidates() {
    events.flushIfAny();
  }

  /** {@return whether the last candidates were compiled in panic mode} */
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
    ServerStats base = load.stats(current);
    if (h == null) { // counters outlive membership while calls are in flight; the state does not
      return new ServerStats(base.server(), ServerState.NOT_IN_POOL, base.inFlight(),
          base.requests(), base.failures(), base.ewmaLatencyNanos(), base.averageLatencyNanos(),
          base.throughputPerSecond());
    }
    long now = ticker.read();
    ServerState state = stateOf(h, now);
    ServerMetrics m = load.ifPresent(server.id());
    return new ServerStats(base.server(), state, base.inFlight(), base.requests(),
        base.failures(), base.ewmaLatencyNanos(), base.averageLatencyNanos(),
        h.throughput.perSecond(now, m == null ? 0L : m.requests()));
  }

  /**
   * {@return how many members of the pool are in {@code state} now} One pass over the members,
   * without a lock: for gauges and dashboards, not for each call.
   *
   * @param state the state counted; {@link ServerState#NOT_IN_POOL} counts 0
   * @throws NullPointerException if {@code state} is null
   */
  public int serverCount(ServerState state) {
    Checks.notNull(state, "state");
    long now = ticker.read();
    int n = 0;
    for (ServerHealth h : states.values()) {
      if (stateOf(h, now) == state) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@return how many members' breakers are in {@code state} now} A member whose breaker was
   * never needed counts as CLOSED; with breakers off, every member does.
   *
   * @param state the breaker state counted
   * @throws NullPointerException if {@code state} is null
   */
  public int breakerCount(CircuitBreaker.State state) {
    Checks.notNull(state, "state");
    int n = 0;
    for (ServerHealth h : states.values()) {
      CircuitBreaker.State s = h.breakerState;
      if ((s == null ? CircuitBreaker.State.CLOSED : s) == state) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@return how many ejections for {@code reason} this monitor has made} Every ejection counts,
   * including a repeated one of the same server.
   *
   * @param reason the reason asked about
   * @throws NullPointerException if {@code reason} is null
   */
  public long ejections(EjectionReason reason) {
    return events.ejections(Checks.notNull(reason, "reason"));
  }

  /** The state of member {@code h} at {@code now}: drained first, then ejected, then ramping. */
  private ServerState stateOf(ServerHealth h, long now) {
    Server s = h.server;
    if (s.isDrained()) {
      ServerMetrics m = load.ifPresent(s.id());
      return m != null && m.inFlight() > 0 ? ServerState.DRAINING : ServerState.DRAINED;
    }
    return !h.isUp(now) ? ServerState.EJECTED
        : h.rampFactor(now, config.slowStart) < 1.0 ? ServerState.SLOW_START
            : ServerState.HEALTHY;
  }

  /** {@return how many per-server metrics entries are held} For bounds checks and tests. */
  public int stateSize() {
    return load.stateSize();
  }

  /** How many breakers have been made so far (for tests); see {@link #breakerRegistry()}. */
  int breakersMade() {
    return breakers.registry().getAllCircuitBreakers().size();
  }

  /** How many departed servers' entries are kept for their grace period (for tests). */
  long departedSize() {
    lock.lock();
    try {
      return membership.departedSize();
    } finally {
      lock.unlock();
    }
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

  /**
   * Builds a {@link HealthMonitor}: the settings ({@link #config}) and the runtime objects it
   * works with. Every setter validates at once. Not thread-safe.
   */
  public static final class Builder {
    private final ServerPool pool;
    private HealthConfig config = HealthConfig.defaults();
    private Ticker ticker = Ticker.system();
    private RandomSource random = RandomSource.threadLocal();
    private Scheduler scheduler;
    private CircuitBreakerRegistry breakerRegistry;
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder(ServerPool pool) {
      this.pool = Checks.notNull(pool, "pool");
    }

    /**
     * Sets what to detect, eject, check and restore (default {@link HealthConfig#defaults()}).
     *
     * @param config the settings
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder config(HealthConfig config) {
      this.config = Checks.notNull(config, "config");
      return this;
    }

    /**
     * Sets the clock of every health decision (default {@link Ticker#system()}); tests pass a
     * manual ticker. On another ticker nothing is scheduled unless a scheduler is given.
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
     * Sets the source of ejection and check jitter (default {@link RandomSource#threadLocal()}).
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
     * Where ticks and active checks are scheduled; the monitor never shuts it down. Default: on
     * the system ticker, one daemon thread of the monitor's own ({@code lbkit-health-N}), started
     * when first needed and stopped by {@link HealthMonitor#close()}; on another ticker, none
     * (nothing is scheduled, see the class comment).
     *
     * @param scheduler runs the ticks and checks; it must follow the monitor's ticker
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Adds a listener told of every ejection, restoration, breaker move, panic change, failed
     * check and drain.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(HealthListener listener) {
      listeners.add(Checks.notNull(listener, "listener"));
      return this;
    }

    /**
     * Where the per-server breakers live, by server id (so that resilience4j-micrometer or the
     * application sees them); default a registry of the monitor's own. A breaker the registry
     * already holds under a server's id is used as it is; the others are created from the
     * config's circuit-breaker settings, on the monitor's ticker.
     *
     * @param registry the registry; the monitor removes a departed server's breaker from it when
     *     the server's state expires
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder breakerRegistry(CircuitBreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "breakerRegistry");
      return this;
    }

    /**
     * Builds the monitor, which follows the pool's membership and starts its scheduled work.
     *
     * @return the started monitor; {@link HealthMonitor#close()} it when done
     * @throws IllegalStateException when active checks are configured on a ticker other than the
     *     system one and no scheduler is given: nothing could run them on that clock
     */
    public HealthMonitor build() {
      Checks.state(config.activeChecks == null || scheduler != null || ticker == Ticker.system(),
          "scheduler", null, "given when active checks run on a ticker other than the system one");
      HealthMonitor m = new HealthMonitor(this);
      m.start();
      return m;
    }
  }
}
