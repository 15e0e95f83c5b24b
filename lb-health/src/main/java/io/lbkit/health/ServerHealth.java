package io.lbkit.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lbkit.Server;
import io.lbkit.spi.ServerMetrics;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Future;

/**
 * The health state machine of one server id, carried across pool updates (and kept for the grace
 * period after the server leaves, so a flapping server keeps its ejection history). Every
 * transition is a method here, and each says what it changed ({@link Change}): the monitor turns
 * that into events and picker rebuilds, and the policies ({@link Ejector}, {@link SlowStart},
 * {@link ActiveChecks}) only decide whether and for how long.
 *
 * <pre>
 *            eject (streak, interval)          ejection ends, checks healthy
 *   UP ------------------------------> EJECTED ------------------------------> UP (ramping)
 *   UP --- fall checks failed ---> CHECK_FAILED --- rise checks passed ---> UP (ramping)
 *   EJECTED --- rise checks passed ---> UP (ramping)    (a passing check ends an ejection early)
 *   breaker OPEN or FORCED_OPEN: not up, whatever else; HALF_OPEN -> CLOSED: UP (ramping)
 *   weight 0 seen: draining, reported drained once nothing is in flight; weight back: ramping
 * </pre>
 *
 * <p>Threading: the failure streak is an atomic any caller updates. Every other field is written
 * only under the monitor's lock; the volatile ones are read without it ({@link #isUp}, the ramp).
 */
final class ServerHealth {
  /** What a transition changed. */
  enum Change {
    /** Nothing a picker or listener sees. */
    NONE,
    /** The candidates differ (an ejection ended while checks fail, a ramp step, a breaker). */
    CHANGED,
    /** The server left rotation. */
    EJECTED,
    /** The server is back in rotation, ramping. */
    RESTORED;

    boolean changed() {
      return this != NONE;
    }
  }

  private static final VarHandle STREAK;
  private static final VarHandle QUIET_SUCCESSES;
  private static final VarHandle DRAINED_NOTIFIED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STREAK = l.findVarHandle(ServerHealth.class, "streak", int.class);
      QUIET_SUCCESSES = l.findVarHandle(ServerHealth.class, "quietSuccesses", int.class);
      DRAINED_NOTIFIED = l.findVarHandle(ServerHealth.class, "drainedNotified", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #quietSuccesses} once the breaker exists. */
  private static final int BREAKER_MADE = -1;

  final String id;
  final ThroughputWindow throughput;
  // Null when breakers are off, and until first needed (Breakers.of): a server that only ever
  // succeeds needs no breaker object, which is most of a server's memory.
  volatile CircuitBreaker breaker;

  volatile Server server;

  // Outcomes: any thread. Atomic fields rather than atomic objects: two fewer objects per server.
  private volatile int streak;
  // Fast successes in a row while there is no breaker yet, at most the breaker's window (older
  // ones would have left it); replayed into the breaker when it is made. BREAKER_MADE after.
  private volatile int quietSuccesses;

  // Interval baseline, under lock: the cumulative load figures at the last evaluation.
  private ServerMetrics baseline;
  private long baseRequests;
  private long baseFailures;
  private long baseLatencyNanos;

  // Breaker, as last observed; under lock.
  volatile CircuitBreaker.State breakerState;
  private int breakerOpenings; // resilience4j's open "attempts": +1 per opening, 0 once closed
  long breakerOpenedAt;
  long breakerHalfOpenAt; // when an OPEN breaker's wait ends, on the monitor's ticker

  // Passive ejection: under lock.
  private volatile boolean ejected;
  private volatile long ejectedUntil;
  private int multiplier;
  private EjectionReason reason;

  // Active checks: under lock.
  private volatile boolean checkHealthy = true;
  private int checkPasses;
  private int checkFails;
  volatile Future<?> checkTask; // the next check
  volatile int checkGeneration;

  // Slow start: under lock, read anywhere.
  private volatile boolean ramping;
  private volatile long rampStart;

  // Drain.
  private volatile boolean drainSeen;
  private volatile boolean drainedNotified;

  ServerHealth(Server server, CircuitBreaker breaker, long windowNanos, long nowNanos) {
    this(server, breaker, false, windowNanos, nowNanos, 0L);
  }

  /**
   * @param breaker the server's breaker, or null when breakers are off or it comes later
   * @param breakerLater whether, breaker being null, one is made when first needed: until then
   *     the server's breaker state is CLOSED, the state a new breaker starts in
   * @param completedBefore how many calls to the server had completed before this state was made
   *     (its load counters can outlive a departure), the throughput's baseline
   */
  ServerHealth(Server server, CircuitBreaker breaker, boolean breakerLater, long windowNanos,
      long nowNanos, long completedBefore) {
    this.id = server.id();
    this.server = server;
    this.breaker = breaker;
    this.throughput = new ThroughputWindow(windowNanos, nowNanos, completedBefore);
    this.breakerState = breaker != null ? breaker.getState()
        : breakerLater ? CircuitBreaker.State.CLOSED : null;
    this.quietSuccesses = breaker != null ? BREAKER_MADE : 0;
  }

  // ---- reads, any thread ----------------------------------------------------------------------

  /** Passively ejected at {@code now}: exact to the nanosecond, whether or not a tick ran. */
  boolean isEjectedAt(long now) {
    return ejected && now - ejectedUntil < 0; // by difference: readings may wrap
  }

  /** An open breaker admits nothing, so an open server is no candidate, panic or not. */
  boolean breakerBlocks() {
    if (breaker == null) {
      return false;
    }
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  /** Choosable as far as health goes (weight aside). */
  boolean isUp(long now) {
    return !isEjectedAt(now) && checkHealthy && !breakerBlocks();
  }

  /** The slow-start factor in (0, 1] at {@code now}; 1 when not ramping. */
  double rampFactor(long now, SlowStart slowStart) {
    return ramping && slowStart != null ? slowStart.factor(now - rampStart) : 1.0;
  }

  boolean isRamping() {
    return ramping;
  }

  /** When a passive ejection in force ends; only meaningful while {@link #isEjected()}. */
  long ejectedUntil() {
    return ejectedUntil;
  }

  /** Whether a passive ejection is recorded (it may have ended at the ticker's now). */
  boolean isEjected() {
    return ejected;
  }

  int multiplier() {
    return multiplier;
  }

  EjectionReason reason() {
    return reason;
  }

  // ---- outcomes, any thread -------------------------------------------------------------------

  /** A success: the failure streak ends. */
  void succeeded() {
    if (streak != 0) { // a read, not a write, on the common path
      streak = 0;
    }
  }

  /** A failure: returns the streak it makes. */
  int failed() {
    return (int) STREAK.getAndAdd(this, 1) + 1;
  }

  /**
   * Counts a fast success while there is no breaker: true if counted, false once the breaker
   * exists (the caller records it there). Once {@code window} are counted, a success changes
   * nothing a breaker would see, so the common path is one read.
   */
  boolean countQuietSuccess(int window) {
    for (;;) {
      int n = quietSuccesses;
      if (n == BREAKER_MADE) {
        return false;
      }
      if (n >= window || QUIET_SUCCESSES.compareAndSet(this, n, n + 1)) {
        return true;
      }
    }
  }

  /** The quiet successes to replay into the breaker being made; none are counted after. */
  int takeQuietSuccesses() {
    return (int) QUIET_SUCCESSES.getAndSet(this, BREAKER_MADE);
  }

  // ---- transitions, under the monitor's lock --------------------------------------------------

  /**
   * Ejected from {@code now} for the length {@code policy} gives the next ejection in a row. The
   * caller has checked that the policy allows it ({@link Ejector#mayEject}).
   */
  Change eject(EjectionReason why, long now, Ejector policy) {
    if (isEjectedAt(now) || server.weight() <= 0) { // a drained server is out already
      return Change.NONE;
    }
    multiplier = policy.nextMultiplier(multiplier);
    ejectedUntil = now + policy.ejectionNanos(multiplier);
    ejected = true;
    reason = why;
    ramping = false;
    checkPasses = 0;
    streak = 0;
    return Change.EJECTED;
  }

  /** Ends a passive ejection whose time is up; back in rotation from its end unless checks fail. */
  Change endEjectionIfDue(long now, SlowStart slowStart) {
    if (!ejected || now - ejectedUntil < 0) {
      return Change.NONE;
    }
    ejected = false;
    if (!checkHealthy) {
      return Change.CHANGED;
    }
    restore(ejectedUntil, slowStart);
    return Change.RESTORED;
  }

  /**
   * An interval spent wholly out of ejection (its ejection ended no later than the previous
   * evaluation, so the evaluation that sees a server restored does not yet count in its favour, as
   * Envoy's) lowers the next ejection's multiplier by one.
   */
  void intervalPassed(long now, long previousEvaluationNanos) {
    if (!isEjectedAt(now) && multiplier > 0 && ejectedUntil - previousEvaluationNanos <= 0) {
      multiplier--;
    }
  }

  /**
   * The calls completed since the previous evaluation, from the cumulative load figures (so the
   * outcome path counts nothing twice); then the baseline moves to now.
   */
  Ejector.Sample takeInterval(ServerMetrics m) {
    if (m == null) {
      return null;
    }
    if (m != baseline) { // fresh metrics (the previous ones were released): count from zero
      baseline = m;
      baseRequests = 0;
      baseFailures = 0;
      baseLatencyNanos = 0;
    }
    long requests = m.requests();
    long failures = m.failures();
    long latency = m.latencySumNanos();
    long dr = requests - baseRequests;
    // A call completing during the reads may show its failure before its request: never more
    // failures than requests in one sample.
    long df = Math.min(dr, Math.max(0L, failures - baseFailures));
    long dl = Math.max(0L, latency - baseLatencyNanos);
    baseRequests = requests;
    baseFailures = baseFailures + df;
    baseLatencyNanos = latency;
    return dr <= 0 ? null : new Ejector.Sample(this, dr, df, dl);
  }

  /** A passing active check; {@code rise} in a row restore a server out by checks or ejection. */
  Change checkPassed(int rise, long now, SlowStart slowStart) {
    checkFails = 0;
    checkPasses++;
    if (checkPasses < rise || (checkHealthy && !isEjectedAt(now))) {
      return Change.NONE;
    }
    checkHealthy = true;
    if (isEjectedAt(now)) {
      ejectedUntil = now;
    }
    ejected = false;
    restore(now, slowStart);
    return Change.RESTORED;
  }

  /** A failed active check; {@code fall} in a row take the server out until checks pass. */
  Change checkFailed(int fall) {
    checkPasses = 0;
    checkFails++;
    if (!checkHealthy || checkFails < fall) {
      return Change.NONE;
    }
    checkHealthy = false;
    ramping = false;
    return Change.EJECTED;
  }

  /**
   * The breaker was seen in {@code now}'s state {@code s} (different from {@link #breakerState}):
   * an opening is counted and dated, a close after half-open probes ramps the server up.
   *
   * @param waitEnd when an opening's wait ends, given how many openings in a row it is
   */
  Change breakerMoved(CircuitBreaker.State s, long now, SlowStart slowStart,
      java.util.function.IntToLongFunction waitEnd) {
    CircuitBreaker.State was = breakerState;
    if (s == was) {
      return Change.NONE;
    }
    breakerState = s;
    switch (s) {
      case OPEN:
        breakerOpenings++;
        breakerOpenedAt = now;
        breakerHalfOpenAt = waitEnd.applyAsLong(breakerOpenings);
        return Change.CHANGED;
      case CLOSED:
        breakerOpenings = 0;
        if (was == CircuitBreaker.State.HALF_OPEN) {
          beginRamp(now, slowStart); // its probes passed: ramp it up like any recovered server
        }
        return Change.CHANGED;
      default:
        return Change.CHANGED;
    }
  }

  /** Starts ramping from {@code at}; nothing when slow start is off. */
  void beginRamp(long at, SlowStart slowStart) {
    if (slowStart != null) {
      rampStart = at;
      ramping = true;
    }
  }

  /**
   * A slow-start step at {@code now}: whether the ramp moved (the candidates' factors changed) and,
   * through {@link #isRamping()}, whether it goes on.
   */
  Change stepRamp(long now, SlowStart slowStart) {
    if (!ramping) {
      return Change.NONE;
    }
    if (slowStart == null || now - rampStart >= slowStart.window().toNanos()) {
      ramping = false;
    }
    return Change.CHANGED;
  }

  /**
   * The pool showed this server with {@code s}'s weight: a weight of 0 starts a drain; weight
   * coming back after one ramps the server up (returns true).
   */
  boolean weightSeen(Server s) {
    server = s;
    if (s.weight() == 0) {
      if (!drainSeen) {
        drainedNotified = false;
        drainSeen = true;
      }
      return false;
    }
    if (drainSeen) {
      drainSeen = false;
      return true;
    }
    return false;
  }

  /** Whether a ramp may begin now: up, and with weight. */
  boolean mayRamp(long now) {
    return !isEjectedAt(now) && checkHealthy && server.weight() > 0;
  }

  /** Any thread: true exactly once per drain, when nothing is in flight any more. */
  boolean drainCompleted(int inFlight) {
    return drainSeen && inFlight == 0 && DRAINED_NOTIFIED.compareAndSet(this, false, true);
  }

  boolean isDraining() {
    return drainSeen;
  }

  /**
   * What a return within the grace period must find again, or null when there is nothing: a
   * server that left healthy comes back as a new one would. Kept: the passive ejection and its
   * multiplier (a flapping server must not shed its history by leaving), failing checks, and a
   * breaker that is not closed, with its wait. Not kept: the failure streak, a closed breaker's
   * window, the interval baseline and the throughput, which a returning server starts afresh.
   */
  Departed departed() {
    CircuitBreaker kept = breaker != null && breaker.getState() != CircuitBreaker.State.CLOSED
        ? breaker : null;
    if (multiplier == 0 && checkHealthy && kept == null) {
      return null;
    }
    return new Departed(server, ejected, ejectedUntil, reason, multiplier, checkHealthy, kept,
        breakerOpenings, breakerOpenedAt, breakerHalfOpenAt);
  }

  /** Takes back what {@link #departed()} kept, on a state made for the returning server. */
  void returned(Departed d) {
    ejected = d.ejected;
    ejectedUntil = d.ejectedUntil;
    reason = d.reason;
    multiplier = d.multiplier;
    checkHealthy = d.checkHealthy;
    if (d.breaker != null && d.breaker == breaker) {
      breakerOpenings = d.breakerOpenings;
      breakerOpenedAt = d.breakerOpenedAt;
      breakerHalfOpenAt = d.breakerHalfOpenAt;
    }
  }

  // ---- explanations (Selector.explain), off the pick path -------------------------------------

  /**
   * What keeps this server out of rotation at {@code now}, or what health says of it as a
   * candidate (a half-open breaker, a ramp); null when there is nothing to say. Under lock.
   */
  String explain(long now, SlowStart slowStart) {
    java.util.List<String> parts = new java.util.ArrayList<>(3);
    if (isEjectedAt(now)) {
      parts.add("ejected (" + reason + ", ejection x" + multiplier + ") for "
          + seconds(ejectedUntil - now) + " more");
    }
    if (!checkHealthy) {
      parts.add("ejected (" + EjectionReason.ACTIVE_CHECK + "): " + checkFails
          + " active checks failed in a row, out until they pass");
    }
    CircuitBreaker b = breaker;
    CircuitBreaker.State s = b == null ? null : b.getState();
    if (s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN) {
      parts.add("circuit breaker " + s + (s == CircuitBreaker.State.OPEN
          ? ", half-open in " + seconds(breakerHalfOpenAt - now) : ""));
    } else if (s == CircuitBreaker.State.HALF_OPEN) {
      int probes = b.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
      parts.add("circuit breaker HALF_OPEN: admits only its " + probes + " probe calls ("
          + b.getMetrics().getNumberOfBufferedCalls() + " ended); once they are taken, begin()"
          + " chooses again without it");
    }
    double ramp = rampFactor(now, slowStart);
    if (ramp < 1.0) {
      parts.add(String.format(java.util.Locale.ROOT, "slow start: ramp %.3f, %s into %s", ramp,
          seconds(now - rampStart), seconds(slowStart.window().toNanos())));
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** What a departed server keeps, in words, at {@code now}. */
  static String explain(Departed d, long now) {
    java.util.List<String> kept = new java.util.ArrayList<>(3);
    if (d.ejected && now - d.ejectedUntil < 0) {
      kept.add("ejection (" + d.reason + ", " + seconds(d.ejectedUntil - now) + " left)");
    } else if (d.multiplier > 0) {
      kept.add("ejection multiplier x" + d.multiplier);
    }
    if (!d.checkHealthy) {
      kept.add("failing active checks");
    }
    if (d.breaker != null) {
      kept.add("circuit breaker " + d.breaker.getState());
    }
    return "left the pool; kept for the grace period, should it return: " + String.join(", ",
        kept);
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** The state a departed server keeps for its grace period; see {@link #departed()}. */
  record Departed(Server server, boolean ejected, long ejectedUntil, EjectionReason reason, int multiplier,
      boolean checkHealthy, CircuitBreaker breaker, int breakerOpenings, long breakerOpenedAt,
      long breakerHalfOpenAt) {}

  private void restore(long at, SlowStart slowStart) {
    checkPasses = 0;
    beginRamp(at, slowStart);
  }

  @Override
  public String toString() {
    return "ServerHealth{" + id + (ejected ? " ejected until " + ejectedUntil : "")
        + (checkHealthy ? "" : " check-failed") + (ramping ? " ramping" : "")
        + (breakerState == null ? "" : " breaker " + breakerState) + '}';
  }
}
