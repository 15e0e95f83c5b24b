package io.lbkit;

import io.lbkit.internal.Checks;

/**
 * Thrown by {@code choose()} when no server can be chosen; {@link #reason()} says why. This is an
 * expected, recoverable outcome (the pool may recover), so it is unchecked and carries a reason a
 * caller can branch on.
 *
 * <p>Selectors throw instances made once per state ({@link #shared}): an outage refuses every
 * call, and filling a stack trace per refused call would make the outage slower still. Such an
 * instance has no stack trace, takes no suppressed exceptions and no later cause, so sharing it
 * between threads is safe.
 */
public class NoServerAvailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why nothing could be chosen. */
  public enum Reason {
    /** The pool has no members. */
    EMPTY_POOL("the pool is empty"),
    /** Every member has weight 0. */
    ALL_DRAINED("all servers are drained (weight 0)"),
    /**
     * No member with weight above 0 may be chosen: all are ejected or otherwise unavailable (in
     * panic, all have an open breaker).
     */
    ALL_EJECTED("all servers are ejected or unavailable and panic mode is disabled"),
    /** Servers are available, but the request excludes every one of them. */
    ALL_EXCLUDED("every available server is excluded by the request"),
    /** Every server left to choose has a half-open breaker whose probe slots are all taken. */
    NO_PROBE_SLOT("every server left is half-open with no probe slot free"),
    /** The tier the request needs (a primary for a write) has no available server. */
    NO_SERVER_IN_TIER("no server of the tier this request needs is available"),
    /** The strategy failed to build a picker; the cause says why. */
    STRATEGY_FAILED("the strategy failed to build a picker"),
    /** The selector (or the balancer) was closed. */
    CLOSED("the selector is closed");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** {@return the reason in words, the message of the shared instance} */
    public String description() {
      return description;
    }
  }

  private static final NoServerAvailableException[] SHARED =
      new NoServerAvailableException[Reason.values().length];

  static {
    for (Reason r : Reason.values()) {
      SHARED[r.ordinal()] = shared(r, r.description(), null);
    }
  }

  /** Why nothing could be chosen; part of the serialized form. */
  private final Reason reason;

  /**
   * A new exception, with a stack trace, whose message is the reason's description.
   *
   * @param reason why nothing could be chosen
   * @throws NullPointerException if {@code reason} is null
   */
  public NoServerAvailableException(Reason reason) {
    this(reason, reason.description());
  }

  /**
   * A new exception, with a stack trace.
   *
   * @param reason why nothing could be chosen
   * @param message the detail, after {@code "no server available: "}
   * @throws NullPointerException if {@code reason} is null
   */
  public NoServerAvailableException(Reason reason, String message) {
    super("no server available: " + message);
    this.reason = Checks.notNull(reason, "reason");
  }

  private NoServerAvailableException(Reason reason, String message, Throwable cause) {
    super("no server available: " + message, cause, false, false);
    this.reason = reason;
  }

  /**
   * A new instance without stack trace or suppressed exceptions, to be made once and thrown by
   * every call it refuses (see the class comment).
   *
   * @param reason why nothing could be chosen
   * @param message the detail, after {@code "no server available: "}
   * @param cause the failure behind it (a strategy's), or null
   * @return the new instance
   */
  public static NoServerAvailableException shared(Reason reason, String message,
      Throwable cause) {
    return new NoServerAvailableException(reason, message, cause);
  }

  /**
   * The shared instance for {@code reason}, with the reason's description as its message.
   *
   * @param reason why nothing could be chosen
   * @return the one instance for that reason, without stack trace
   * @throws NullPointerException if {@code reason} is null
   */
  public static NoServerAvailableException shared(Reason reason) {
    return SHARED[reason.ordinal()];
  }

  /** {@return why nothing could be chosen} */
  public Reason reason() {
    return reason;
  }
}
