package io.lbkit.spi;

/**
 * The read-only view of one server's load that pickers get from {@link Candidates#load}: what
 * load-aware strategies compare, and nothing that changes it. The counters behind it are written
 * by the tracker ({@link ServerMetrics}), never by a picker.
 *
 * <p>Every method is a volatile read or a little arithmetic on one: no lock, no allocation, safe
 * from any thread on the pick path. Values may be a moment stale, as any concurrent counter is.
 */
public interface ServerLoad {
  /** {@return how many calls were started and have not ended yet} */
  int inFlight();

  /** {@return whether any latency has been observed yet} */
  boolean hasLatency();

  /**
   * Whether the latency figures rest on enough samples to be compared ({@link
   * ServerMetrics#WARM_UP_SAMPLES} for lbkit's own counters). Peak EWMA compares a server that is
   * not warm by its in-flight calls only, so that its first, possibly slow, samples cannot starve
   * it.
   *
   * @return true once warm; the default: as soon as any latency is known
   */
  default boolean isWarm() {
    return hasLatency();
  }

  /**
   * The peak EWMA latency decayed to {@code nowNanos}.
   *
   * @param nowNanos a reading of the tracker's ticker
   * @return the latency in nanoseconds; 0 before any observation
   */
  double ewmaLatencyNanos(long nowNanos);

  /**
   * The peak EWMA as of its last update, not decayed: with {@link #ewmaStampNanos()} and {@link
   * #decayNanos()} it gives the decayed value at any time without reading a clock, so a picker can
   * compare two servers' costs with the common "now" cancelled out.
   *
   * @return the undecayed cost in nanoseconds; 0 before any observation
   */
  double ewmaCostNanos();

  /** {@return the ticker reading of the last EWMA update (the creation time before any)} */
  long ewmaStampNanos();

  /** {@return the EWMA time constant tau, in nanoseconds} */
  double decayNanos();

  /**
   * How many calls ended with an outcome, success or failure, since the counters were created:
   * with {@link #failures()} and {@link #latencySumNanos()}, what a wrapper reads to see a group's
   * error rate and mean latency move (zone spillover reads their change between evaluations).
   *
   * @return the running total; the default, for loads that do not count: 0
   */
  default long requests() {
    return 0L;
  }

  /**
   * How many of {@link #requests()} ended with a failure.
   *
   * @return the running total, {@code <= requests()}; the default: 0
   */
  default long failures() {
    return 0L;
  }

  /**
   * The sum of the latencies of the calls {@link #requests()} counts.
   *
   * @return the running total in nanoseconds; the default: 0
   */
  default long latencySumNanos() {
    return 0L;
  }

  /**
   * The server's latest load report ({@link io.lbkit.Attempt#report}), for strategies that weigh
   * servers by it.
   *
   * @return the report, or null when it never reported (the default)
   */
  default io.lbkit.LoadReport loadReport() {
    return null;
  }

  /**
   * {@return the ticker reading when the latest {@link #loadReport()} arrived} Meaningless while
   * there is none.
   */
  default long loadReportNanos() {
    return 0L;
  }

  /**
   * {@return the ticker reading when the first load report of these counters arrived} Weighing
   * strategies hold a new reporter's weights back for a while after it (gRPC's blackout period).
   * Meaningless while there is none.
   */
  default long firstLoadReportNanos() {
    return 0L;
  }
}
