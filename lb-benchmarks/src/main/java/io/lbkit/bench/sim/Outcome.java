package io.lbkit.bench.sim;

/** How one attempt at one server ended, as the client sees it. */
public enum Outcome {
  /** Served successfully. */
  OK,
  /** Served, but answered with an error (a 5xx). */
  ERROR,
  /** The server is down: connection refused at once. */
  REFUSED,
  /** The server's queue was full: rejected at once (a 503). */
  OVERLOADED,
  /** The server died while the call was queued or in service: connection reset. */
  RESET,
  /** The client stopped waiting. */
  TIMEOUT,
  /** No server could be chosen at all. */
  NO_SERVER;

  /** The failure reported to lbkit's tracker: one shared instance, no stack trace. */
  final RuntimeException error = new SimulatedFailure(this);

  public boolean isSuccess() {
    return this == OK;
  }

  /** {@return whether the server served the call: its answer carries its load report} */
  public boolean isServed() {
    return this == OK || this == ERROR;
  }

  static final class SimulatedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedFailure(Outcome outcome) {
      super("simulated " + outcome.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
    }
  }
}
