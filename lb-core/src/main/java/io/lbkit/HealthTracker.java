package io.lbkit;

import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;

/**
 * Records how calls to each server went, and decides which servers may be chosen.
 *
 * <p>The caller's side, for every call: {@code long t = onStart(server)}, then exactly one of
 * {@link #onSuccess}, {@link #onFailure} or {@link #onCancel} with that {@code t}. All methods are
 * thread-safe and cheap; none blocks on I/O. A state change that affects choosing (an ejection, a
 * restoration, a slow-start step) notifies the change listeners, which rebuild their pickers on the
 * write path; nothing here rebuilds a picker while a pick waits for it.
 *
 * <p>The selector's side (the SPI): {@link #candidates} compiles a pool snapshot into the set a
 * picker chooses from, and {@link #addChangeListener} tells selectors when to do that again. One
 * tracker serves one pool.
 */
public interface HealthTracker {

  /** A call to {@code server} starts; returns the start time to pass to the matching end call. */
  long onStart(Server server);

  /** The call that started at {@code startNanos} succeeded. */
  void onSuccess(Server server, long startNanos);

  /** The call that started at {@code startNanos} failed with {@code error}. */
  void onFailure(Server server, long startNanos, Throwable error);

  /**
   * The call was abandoned without an outcome (a hedge or fork that lost, a caller that gave up):
   * its in-flight count is released and nothing is counted for or against the server.
   */
  void onCancel(Server server, long startNanos);

  /**
   * Asks whether a call may go to {@code server} now, after it was chosen and before {@link
   * #onStart}: a half-open circuit breaker admits only its probe calls. A {@code true} takes a
   * permission that the call's end ({@link #onSuccess}, {@link #onFailure} or {@link #onCancel})
   * gives back; on {@code false} the caller chooses again excluding this server. Never called on
   * candidates while picking. The default admits every call.
   */
  default boolean tryAcquirePermission(Server server) {
    return true;
  }

  /** Whether {@code server} may be chosen now (not ejected, not drained). */
  boolean isAvailable(Server server);

  /** The counters and state of {@code server}; zeros for a server never seen. */
  ServerStats stats(Server server);

  /** The time source behind every figure this tracker keeps. */
  Ticker ticker();

  /** SPI: the per-server metrics for {@code server}, created on first use. */
  ServerMetrics metrics(Server server);

  /** SPI: compiles {@code pool} and the current health state into what a picker chooses from. */
  Candidates candidates(PoolSnapshot pool, RandomSource random);

  /** SPI: {@code listener} runs after every state change that affects {@link #candidates}. */
  void addChangeListener(Runnable listener);

  void removeChangeListener(Runnable listener);
}
