package io.lbkit.failover;

/**
 * Why an attempt was made: each call's first attempt is {@link #FIRST}, every other one is an
 * extra that the failover mode added (and that the {@link RetryBudget} paid for, except the
 * copies of a broadcast).
 */
public enum AttemptKind {
  /** A call's first attempt, one per call that found a server; under broadcast, the first copy. */
  FIRST,
  /** Another attempt after a failure, under {@code retry} (Dubbo's failover). */
  RETRY,
  /** A copy sent because the earlier ones were slow, under {@code hedged}. */
  HEDGE,
  /** A parallel copy sent with the first, under {@code forking}. */
  FORK,
  /** A retry in the background after the caller got its fallback, under {@code failBack}. */
  FAIL_BACK,
  /** A copy to each further server, under {@code broadcast}. */
  BROADCAST
}
