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

  /**
   * Stands for {@code result}; made without a stack trace, as it marks a result, not a place.
   *
   * @param result the result the classifier judged a failure; may be null
   */
  public FailedResultException(Object result) {
    super("result classified as a failure: " + result, null, false, false);
    this.result = result;
  }

  /** {@return the result the attempt returned; null once deserialized (it is not serialized)} */
  public Object result() {
    return result;
  }
}
