package io.lbkit;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.PickReport;
import io.lbkit.spi.ServerMetrics;

/**
 * Records how calls to each server went, and decides which servers may be chosen.
 *
 * <p>The caller's side is built on these methods by {@link Attempt} ({@link Selector#begin}),
 * which is how calls should be reported: it takes the permission, starts the call and ends it
 * exactly once. For every call: {@code Permit p = tryAcquirePermission(server)} (after the server
 * was chosen; {@link Permit#REFUSED} means choose again without it), {@code long t =
 * onStart(server)}, then exactly one of {@link #onSuccess}, {@link #onFailure} or {@link
 * #onCancel} with that {@code t} and that {@code p}. The permission belongs to the call, so a
 * cancelled call gives back only a probe slot it took itself. The two-argument end methods are
 * for callers that took no permission (a plain {@code choose()}). All methods are thread-safe and
 * cheap; none blocks on I/O. A state change that affects choosing (an ejection, a restoration, a
 * slow-start step) notifies the change listeners, which rebuild their pickers on the write path;
 * nothing here rebuilds a picker while a pick waits for it.
 *
 * <p>The selector's side (the SPI): {@link #candidates} compiles a pool snapshot into the set a
 * picker chooses from, and {@link #addChangeListener} tells selectors when to do that again. One
 * tracker serves one pool.
 */
public interface HealthTracker {

  /** What {@link #tryAcquirePermission} grants one call. */
  enum Permit {
    /** Not now: a half-open breaker has no probe slot left, or the breaker is open. */
    REFUSED,
    /** Admitted, holding nothing back (a closed breaker, or none). */
    GRANTED,
    /** Admitted as one of a half-open breaker's probes: a cancel gives the slot back. */
    PROBE
  }

  /**
   * Asks whether a call may go to {@code server} now, after it was chosen and before {@link
   * #onStart}: a half-open circuit breaker admits only its probe calls. Anything but {@link
   * Permit#REFUSED} must be handed to the call's end. Never called on candidates while picking.
   * The default admits every call.
   *
   * @param server the server just chosen
   * @return {@link Permit#REFUSED} to choose again without it, else the permit the call holds
   */
  default Permit tryAcquirePermission(Server server) {
    return Permit.GRANTED;
  }

  /**
   * A call to {@code server} starts: its in-flight count goes up by one.
   *
   * @param server the server the call goes to
   * @return the ticker reading at the start, to pass to the matching end call
   */
  long onStart(Server server);

  /**
   * The call that started at {@code startNanos} with {@code permit} succeeded.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param permit what {@link #tryAcquirePermission} granted the call
   */
  void onSuccess(Server server, long startNanos, Permit permit);

  /**
   * The call that started at {@code startNanos} with {@code permit} failed with {@code error}.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param permit what {@link #tryAcquirePermission} granted the call
   * @param error what the call failed with; may be null
   */
  void onFailure(Server server, long startNanos, Permit permit, Throwable error);

  /**
   * The call was abandoned without an outcome (a hedge or fork that lost, a caller that gave up):
   * its in-flight count and, for a {@link Permit#PROBE}, its probe slot are released, and nothing
   * is counted for or against the server.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param permit what {@link #tryAcquirePermission} granted the call
   */
  void onCancel(Server server, long startNanos, Permit permit);

  /**
   * {@link #onSuccess(Server, long, Permit)} for a call that took no permission.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   */
  default void onSuccess(Server server, long startNanos) {
    onSuccess(server, startNanos, Permit.GRANTED);
  }

  /**
   * {@link #onFailure(Server, long, Permit, Throwable)} for a call that took no permission.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   * @param error what the call failed with; may be null
   */
  default void onFailure(Server server, long startNanos, Throwable error) {
    onFailure(server, startNanos, Permit.GRANTED, error);
  }

  /**
   * {@link #onCancel(Server, long, Permit)} for a call that took no permission.
   *
   * @param server the server the call went to
   * @param startNanos what {@link #onStart} returned for the call
   */
  default void onCancel(Server server, long startNanos) {
    onCancel(server, startNanos, Permit.GRANTED);
  }

  /**
   * {@code server} reported its load ({@link Attempt#report}): kept in its {@link ServerMetrics}
   * with the time it arrived, where weighing strategies read it ({@link
   * io.lbkit.spi.ServerLoad#loadReport()}), then the load-report listeners are told. Any thread,
   * any time, cheap. The default ignores it.
   *
   * @param server the server that reported
   * @param report what it reported
   */
  default void onLoadReport(Server server, LoadReport report) {}

  /**
   * Whether {@code server} may be chosen now: not ejected, not drained.
   *
   * @param server the server asked about
   * @return true when it is available now
   */
  boolean isAvailable(Server server);

  /**
   * The counters and state of {@code server} now.
   *
   * @param server the server asked about
   * @return a snapshot of its figures; zeros for a server never seen, and {@link
   *     ServerState#NOT_IN_POOL} from a tracker that follows a pool the server is not in
   */
  ServerStats stats(Server server);

  /** {@return the time source behind every figure this tracker keeps} */
  Ticker ticker();

  /**
   * SPI: the per-server metrics for {@code server}, created on first use and shared by every
   * picker that sees the server.
   *
   * @param server the server asked about
   * @return its metrics, never null
   */
  ServerMetrics metrics(Server server);

  /**
   * SPI: compiles {@code pool} and the current health state into what a picker chooses from.
   * Called by selectors on their write path, never while picking.
   *
   * @param pool the membership to compile
   * @param random the selector's random source, handed to the pickers through the result
   * @return the candidates; empty, with the reason, when nothing may be chosen
   */
  Candidates candidates(PoolSnapshot pool, RandomSource random);

  /**
   * SPI: called by a selector after {@link #candidates}, once it holds no lock of its own, so
   * that a tracker can tell its listeners of what compiling the candidates found (panic entered
   * or left, a drained or released server) without running them under the selector's rebuild
   * lock. The default does nothing.
   */
  default void afterCandidates() {}

  /**
   * SPI: {@code listener} runs after every state change that affects {@link #candidates}, on the
   * thread that made the change; selectors register one to rebuild their pickers.
   *
   * @param listener the callback; it must not block
   */
  void addChangeListener(Runnable listener);

  /**
   * SPI: stops calling a listener given to {@link #addChangeListener}; unknown ones are ignored.
   *
   * @param listener the callback to remove
   */
  void removeChangeListener(Runnable listener);

  /**
   * SPI: {@code listener} runs after every load report {@link #onLoadReport} recorded, on the
   * reporting thread; selectors register one that tells their strategy ({@link
   * Strategy#onLoadReport}). It must be quick and must not block. The default keeps none (a
   * tracker that records no reports).
   *
   * @param listener the callback
   */
  default void addLoadReportListener(Runnable listener) {}

  /**
   * SPI: stops calling a listener given to {@link #addLoadReportListener}; unknown ones are
   * ignored.
   *
   * @param listener the callback to remove
   */
  default void removeLoadReportListener(Runnable listener) {}

  /**
   * SPI, off the pick path: writes down ({@link PickReport#health}) why each member of {@code
   * pool} that is not among {@code candidates} is out, and what health says of the candidates
   * (a ramp, a half-open breaker), plus notes on the whole pool (panic). For {@link
   * Selector#explain}; it must not change any state. The default reports each member's {@link
   * #stats} state when it is not {@link ServerState#HEALTHY}.
   *
   * @param pool the membership the candidates were compiled from
   * @param candidates what {@link #candidates} made of it
   * @param report where to write
   */
  default void describe(PoolSnapshot pool, Candidates candidates, PickReport report) {
    for (Server s : pool.servers()) {
      ServerStats st = stats(s);
      switch (st.state()) {
        case HEALTHY:
          break;
        case DRAINING:
          report.health(s, "draining: weight 0, calls in flight: " + st.inFlight());
          break;
        case DRAINED:
          report.health(s, "drained (weight 0)");
          break;
        default:
          report.health(s, st.state().toString().toLowerCase(java.util.Locale.ROOT));
      }
    }
  }
}
