package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;

/**
 * Told of what a {@link LoadBalancer}'s calls do, attempt by attempt: for metrics, tracing or
 * logs. Health transitions (ejections, breaker moves, panic) go to {@link
 * io.lbkit.health.HealthListener} instead.
 *
 * <p>Methods run on the thread that ended the attempt or was refused (a caller's, a client's
 * callback thread, the balancer's executor), never while lbkit holds a lock; they should be quick
 * and must not block. What a listener throws is logged and ignored: it cannot fail a call or
 * stop the other listeners. Every method has an empty default.
 */
public interface CallListener {
  /**
   * A call began: {@code execute}, {@code executeAsync} or {@code begin} is about to choose its
   * first server. Told once per call, on the caller's thread, before any event of the call's
   * attempts; a call that then finds no server is followed by {@link #onChooseRefused}.
   *
   * @param request the call's request (key, idempotency, read or write) as the caller gave it
   */
  default void onCallStarted(Request request) {}

  /**
   * An attempt ended with an outcome: the server answered, failed or could not be reached.
   *
   * @param kind why the attempt was made
   * @param server the server it went to
   * @param outcome how it went, as the balancer's classifier judged it
   * @param durationNanos from the attempt's start to its end, on the balancer's ticker
   */
  default void onAttemptEnded(AttemptKind kind, Server server, Outcome outcome,
      long durationNanos) {}

  /**
   * An attempt ended without an outcome: a hedge or fork that lost the race, a call its caller
   * cancelled or interrupted, an {@link io.lbkit.Attempt} closed without an end. It counts
   * neither for nor against the server.
   *
   * @param kind why the attempt was made
   * @param server the server it went to
   * @param durationNanos from the attempt's start to its cancel, on the balancer's ticker
   */
  default void onAttemptCancelled(AttemptKind kind, Server server, long durationNanos) {}

  /**
   * The retry budget refused an extra attempt, so the call made fewer than its mode allows.
   *
   * @param kind the extra attempt refused: {@link AttemptKind#RETRY}, {@link AttemptKind#HEDGE},
   *     {@link AttemptKind#FORK} or {@link AttemptKind#FAIL_BACK}
   */
  default void onBudgetRefused(AttemptKind kind) {}

  /**
   * A pick or a call was refused because no server could be chosen: the caller got a {@link
   * NoServerAvailableException} with this reason (or, under {@code failSafe} and {@code
   * failBack}, its fallback).
   *
   * @param reason why no server could be chosen
   */
  default void onChooseRefused(NoServerAvailableException.Reason reason) {}
}
