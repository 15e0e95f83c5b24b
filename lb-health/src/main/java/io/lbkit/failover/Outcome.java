package io.lbkit.failover;

/**
 * How one attempt went, as the {@link OutcomeClassifier} sees it. Health tracking counts {@link
 * #SUCCESS} for the server and every other value against it; failover modes read the kind of
 * failure to decide whether another attempt is safe.
 */
public enum Outcome {
  /** The server answered acceptably (this includes answers such as HTTP 404). */
  SUCCESS,
  /** The server failed or answered with an error after the request may have been processed. */
  FAILURE,
  /**
   * The request provably never reached the server (connection refused, unknown host, a circuit
   * breaker that refused the call): safe to retry even when the call is not idempotent.
   */
  NOT_SENT,
  /**
   * No answer in time. The server may still process the request, so a non-idempotent call that
   * timed out is never retried, hedged or forked.
   */
  TIMEOUT;

  /** {@return true only for {@link #SUCCESS}} */
  public boolean isSuccess() {
    return this == SUCCESS;
  }

  /**
   * {@return true only for {@link #NOT_SENT}} The request never left, so even a non-idempotent
   * call may be repeated.
   */
  public boolean neverLeft() {
    return this == NOT_SENT;
  }

  /** {@return true only for {@link #TIMEOUT}} */
  public boolean isTimeout() {
    return this == TIMEOUT;
  }
}
