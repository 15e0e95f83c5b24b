package io.lbkit;

/**
 * Thrown by {@code choose()} when no server can be chosen; {@link #reason()} says why. This is an
 * expected, recoverable outcome (the pool may recover), so it is unchecked and carries a reason a
 * caller can branch on.
 */
public class NoServerAvailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why nothing could be chosen. */
  public enum Reason {
    EMPTY_POOL("the pool is empty"),
    ALL_DRAINED("all servers are drained (weight 0)"),
    ALL_EJECTED("all servers are ejected or unavailable and panic mode is disabled"),
    ALL_EXCLUDED("every available server is excluded by the request"),
    CLOSED("the selector is closed");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final Reason reason;

  public NoServerAvailableException(Reason reason) {
    this(reason, reason.description());
  }

  public NoServerAvailableException(Reason reason, String message) {
    super("no server available: " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
