package io.lbkit.health;

/** Why a server was taken out of rotation. */
public enum EjectionReason {
  /** {@code consecutiveFailures} failures in a row. */
  CONSECUTIVE_FAILURES,
  /** Success rate below mean − factor × stdev of the pool's, over one interval. */
  SUCCESS_RATE,
  /** Failure percentage at or above the threshold over one interval. */
  FAILURE_PERCENTAGE,
  /** Latency above factor × the pool median over one interval. */
  LATENCY,
  /** {@code fall} active checks failed in a row. */
  ACTIVE_CHECK
}
