package io.lbkit.spi;

import io.lbkit.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutable per-server counters that trackers write and load-aware pickers read, through the
 * read-only {@link ServerLoad} view: in-flight calls, totals, and a peak-sensitive EWMA of latency. One instance per server id, carried across
 * picker rebuilds (Finagle's node identity), so a rebuild never resets load.
 *
 * <p>Thread-safe. Reads are single volatile loads and never allocate or lock. The in-flight count
 * is an atomic increment and decrement; an outcome takes this object's writer lock once, briefly
 * (outcome path only, never the pick path), for the totals and the EWMA together, so the totals
 * stay exact under concurrency without an atomic instruction of their own. The writer lock is a
 * compare-and-set on one word, released by a plain release store: one atomic instruction per
 * outcome where an uncontended monitor costs two (34 ns against 8 for one atomic add, measured by
 * {@code CallPathBreakdownBenchmark}). Its hold is a few stores and one {@code exp}, so a waiter
 * spins briefly, then yields, rather than parking.
 *
 * <pre>
 * Peak EWMA (Finagle's PeakEwma, Envoy's peak_ewma):
 *   on an observed latency rtt at time t, with td = t - stamp and w = exp(-td / tau):
 *     cost = rtt                       if rtt > cost   (jump to a new peak at once)
 *     cost = cost * w + rtt * (1 - w)  otherwise        (decay towards recent latencies)
 *   on a read at time t: cost * exp(-(t - stamp) / tau), so a server that stops getting
 *   traffic after a spike is tried again as its cost decays.
 * Warm-up: the first WARM_UP_SAMPLES (10) latencies are no peaks. The first sets the cost, each
 *   of the next nine halves the distance to it (cost = (cost + rtt) / 2), so one slow first call
 *   (a JIT or a cache warming up) weighs 2^-9 of the cost by the end of the warm-up instead of
 *   setting a peak that takes tau x ln(slow / fast) to decay (39 s for 50x at tau 10 s). Until
 *   then the server is not {@link #isWarm() warm}, and peak EWMA compares it by in-flight calls
 *   only, so those first samples cannot starve it of the calls that would correct them.
 * </pre>
 */
public final class ServerMetrics implements ServerLoad {
  /** Latency samples before the peak EWMA is trusted: {@value}. */
  public static final int WARM_UP_SAMPLES = 10;

  private static final VarHandle IN_FLIGHT;
  private static final VarHandle REQUESTS;
  private static final VarHandle FAILURES;
  private static final VarHandle LATENCY_SUM;
  private static final VarHandle EWMA_COST;
  private static final VarHandle EWMA_STAMP;
  private static final VarHandle SAMPLES;
  private static final VarHandle WRITER;
  /** Spins before a waiting writer yields its core to a holder that may have been preempted. */
  private static final int SPINS_BEFORE_YIELD = 64;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      IN_FLIGHT = l.findVarHandle(ServerMetrics.class, "inFlight", int.class);
      REQUESTS = l.findVarHandle(ServerMetrics.class, "requests", long.class);
      FAILURES = l.findVarHandle(ServerMetrics.class, "failures", long.class);
      LATENCY_SUM = l.findVarHandle(ServerMetrics.class, "latencySumNanos", long.class);
      EWMA_COST = l.findVarHandle(ServerMetrics.class, "ewmaCostNanos", double.class);
      EWMA_STAMP = l.findVarHandle(ServerMetrics.class, "ewmaStampNanos", long.class);
      SAMPLES = l.findVarHandle(ServerMetrics.class, "latencySamples", int.class);
      WRITER = l.findVarHandle(ServerMetrics.class, "writer", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String serverId;
  private final long createdNanos;
  private final double decayNanos;

  private volatile int inFlight;
  /** 1 while an outcome is being recorded: the writer lock of the fields below. */
  @SuppressWarnings("unused") // through WRITER
  private volatile int writer;
  // Totals and peak EWMA: written under the writer lock with release stores (the lock orders the
  // writers; a volatile store's fence would buy the racy readers nothing), read racily (a torn
  // pair only skews one pick).
  private volatile long requests;
  private volatile long failures;
  private volatile long latencySumNanos;

  private volatile double ewmaCostNanos;
  private volatile long ewmaStampNanos;
  /** Latency samples so far, counted up to {@link #WARM_UP_SAMPLES} only. */
  private volatile int latencySamples;

  /** The latest load report with its arrival, one immutable object so the two read together. */
  private volatile Received received;
  private volatile long firstReportNanos;

  /**
   * Fresh counters: nothing in flight, no outcome, no latency.
   *
   * @param serverId the id this state belongs to
   * @param nowNanos the tracker's ticker reading at creation
   * @param decayNanos the EWMA time constant tau, in nanoseconds (> 0)
   * @throws NullPointerException if {@code serverId} is null
   * @throws IllegalArgumentException if {@code decayNanos} is not positive
   */
  public ServerMetrics(String serverId, long nowNanos, long decayNanos) {
    Checks.notNull(serverId, "serverId");
    Checks.argument(decayNanos > 0, "decayNanos", decayNanos, "> 0");
    this.serverId = serverId;
    this.createdNanos = nowNanos;
    this.decayNanos = decayNanos;
    this.ewmaStampNanos = nowNanos;
  }

  /** {@return the id of the server these counters belong to} */
  public String serverId() {
    return serverId;
  }

  /** {@return the tracker's ticker reading when these counters were created} */
  public long createdNanos() {
    return createdNanos;
  }

  /** A call started: in-flight +1. */
  public void onStart() {
    IN_FLIGHT.getAndAdd(this, 1);
  }

  /**
   * A call ended with an outcome: in-flight −1, totals +1, the latency fed to the EWMA.
   *
   * @param latencyNanos how long the call took (negative readings count as 0)
   * @param success whether it succeeded
   * @param nowNanos the ticker reading at completion
   */
  public void onComplete(long latencyNanos, boolean success, long nowNanos) {
    decrementInFlight();
    long latency = Math.max(0L, latencyNanos);
    lockWriter();
    try {
      REQUESTS.setRelease(this, requests + 1);
      if (!success) {
        FAILURES.setRelease(this, failures + 1);
      }
      LATENCY_SUM.setRelease(this, latencySumNanos + latency);
      observeLocked(latency, nowNanos);
    } finally {
      unlockWriter();
    }
  }

  private void lockWriter() {
    if (!WRITER.compareAndSet(this, 0, 1)) {
      lockWriterContended();
    }
  }

  private void unlockWriter() {
    WRITER.setRelease(this, 0);
  }

  // Off the inlined path: reads until the word looks free, then tries again.
  private void lockWriterContended() {
    int spins = 0;
    do {
      while ((int) WRITER.getOpaque(this) != 0) {
        if (++spins < SPINS_BEFORE_YIELD) {
          Thread.onSpinWait();
        } else {
          spins = 0;
          Thread.yield();
        }
      }
    } while (!WRITER.compareAndSet(this, 0, 1));
  }

  /** A call ended without an outcome (cancelled, abandoned): only in-flight −1. */
  public void onRelease() {
    decrementInFlight();
  }

  private void decrementInFlight() {
    // Never below zero, even if a caller reports one end too many.
    int n;
    do {
      n = inFlight;
      if (n <= 0) {
        return;
      }
    } while (!IN_FLIGHT.compareAndSet(this, n, n - 1));
  }

  /**
   * Feeds one latency observation to the peak EWMA (see the class comment), under the writer
   * lock; {@link #onComplete} does the same.
   *
   * @param latencyNanos the observed latency
   * @param nowNanos the ticker reading of the observation
   */
  public void observeLatency(long latencyNanos, long nowNanos) {
    lockWriter();
    try {
      observeLocked(latencyNanos, nowNanos);
    } finally {
      unlockWriter();
    }
  }

  // Under the writer lock.
  private void observeLocked(long latencyNanos, long nowNanos) {
    double rtt = latencyNanos;
    int samples = latencySamples;
    if (samples == 0) {
      EWMA_COST.setRelease(this, rtt);
      EWMA_STAMP.setRelease(this, nowNanos);
      SAMPLES.setRelease(this, 1);
      return;
    }
    double cost = ewmaCostNanos;
    long stamp = ewmaStampNanos;
    long td = Math.max(0L, nowNanos - stamp);
    if (samples < WARM_UP_SAMPLES) {
      cost = (cost + rtt) / 2.0; // warming up: no peaks, the first samples forgotten fast
      SAMPLES.setRelease(this, samples + 1);
    } else if (rtt > cost) {
      cost = rtt;
    } else {
      double w = Math.exp(-td / decayNanos);
      cost = cost * w + rtt * (1.0 - w);
    }
    EWMA_COST.setRelease(this, cost);
    if (nowNanos - stamp > 0) { // the later reading by difference: readings may wrap
      EWMA_STAMP.setRelease(this, nowNanos);
    }
  }

  @Override
  public int inFlight() {
    return inFlight;
  }

  /** {@return how many calls ended with an outcome (success or failure)} */
  @Override
  public long requests() {
    return requests;
  }

  /** {@return how many calls ended with a failure} */
  @Override
  public long failures() {
    return failures;
  }

  /** {@return the sum of the latencies of every call that ended with an outcome} */
  @Override
  public long latencySumNanos() {
    return latencySumNanos;
  }

  @Override
  public boolean hasLatency() {
    return latencySamples > 0;
  }

  @Override
  public boolean isWarm() {
    return latencySamples >= WARM_UP_SAMPLES;
  }

  @Override
  public double ewmaLatencyNanos(long nowNanos) {
    double cost = ewmaCostNanos;
    long td = nowNanos - ewmaStampNanos;
    return td <= 0 ? cost : cost * Math.exp(-td / decayNanos);
  }

  @Override
  public double ewmaCostNanos() {
    return ewmaCostNanos;
  }

  @Override
  public long ewmaStampNanos() {
    return ewmaStampNanos;
  }

  @Override
  public double decayNanos() {
    return decayNanos;
  }

  /**
   * Keeps {@code report} as the server's latest, received at {@code nowNanos}; the first one
   * also marks {@link #firstLoadReportNanos()}.
   *
   * @param report what the server reported
   * @param nowNanos the tracker's ticker reading at its arrival
   * @throws NullPointerException if {@code report} is null
   */
  public void onLoadReport(io.lbkit.LoadReport report, long nowNanos) {
    Checks.notNull(report, "report");
    if (received == null) {
      firstReportNanos = nowNanos; // before the report is visible: a reader never sees 0 for it
    }
    received = new Received(report, nowNanos);
  }

  @Override
  public io.lbkit.LoadReport loadReport() {
    Received r = received;
    return r == null ? null : r.report;
  }

  @Override
  public long loadReportNanos() {
    Received r = received;
    return r == null ? 0L : r.nanos;
  }

  @Override
  public long firstLoadReportNanos() {
    return firstReportNanos;
  }

  /** {@return total latency / completed calls, in nanoseconds; 0 before any completion} */
  public double averageLatencyNanos() {
    long n = requests;
    return n == 0 ? 0.0 : (double) latencySumNanos / n;
  }

  private static final class Received {
    final io.lbkit.LoadReport report;
    final long nanos;

    Received(io.lbkit.LoadReport report, long nanos) {
      this.report = report;
      this.nanos = nanos;
    }
  }

  @Override
  public String toString() {
    return "ServerMetrics{" + serverId + " inFlight=" + inFlight + " requests=" + requests
        + " failures=" + failures + '}';
  }
}
