package io.lbkit.failover;

/**
 * Stands for an attempt that returned normally but whose result the {@link OutcomeClassifier}
 * judged a failure (an HTTP 503 response, say). It is what health tracking receives as the error.
 * When a call ends on such an
 * attempt the caller gets the result itself, not this exception (as a proxy passes on the last
 * upstream response).
 */
public final class FailedResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Object result;

  public FailedResultException(Object result) {
    super("result classified as a failure: " + result, null, false, false);
    this.result = result;
  }

  /** The result the attempt returned. */
  public Object result() {
    return result;
  }
}
