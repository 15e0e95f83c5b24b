package io.lbkit;

/**
 * One call to one chosen server, from {@link Selector#begin}: the server is chosen, its breaker
 * permission taken and its in-flight count started. End it with exactly one of {@link
 * #success()}, {@link #failure(Throwable)} or {@link #cancel()}; the first end counts and later
 * ones are ignored, and {@link #close()} without an end cancels. So a try-with-resources block can
 * never leak an in-flight count or a half-open breaker's probe slot, whatever the client throws:
 *
 * <pre>{@code
 * try (Attempt a = selector.begin(request)) {
 *   Response r = client.call(a.server());
 *   a.success();
 *   return r;
 * }                                   // an exception ends it as a cancel: no outcome counted
 * }</pre>
 *
 * <p>A call that failed because of the server should say so with {@code failure(e)} before the
 * block ends (a {@code catch} that reports and rethrows), so that health tracking sees it; a plain
 * cancel counts neither for nor against the server.
 *
 * <p>Threading: the end methods may be called from any thread, concurrently (a hedge's winner
 * cancelling its loser); exactly one wins.
 */
public interface Attempt extends AutoCloseable {

  /** {@return the server this attempt goes to} */
  Server server();

  /**
   * {@return the tracker's ticker reading when the attempt started} Subtract it from a later
   * reading of the same ticker for a latency measured outside lbkit.
   */
  long startNanos();

  /**
   * Ends the attempt as a success, counted for the server.
   *
   * @return true if this call ended the attempt, false if it had already ended (nothing recorded)
   */
  boolean success();

  /**
   * Ends the attempt as a failure, counted against the server (by a health monitor: its failure
   * streak, its breaker).
   *
   * @param error what the call failed with; may be null
   * @return true if this call ended the attempt, false if it had already ended (nothing recorded)
   */
  boolean failure(Throwable error);

  /**
   * The call was abandoned without an outcome (a hedge that lost, a caller that gave up): the
   * in-flight count and any probe slot are released, nothing is counted for or against the
   * server.
   *
   * @return true if this call ended the attempt, false if it had already ended
   */
  boolean cancel();

  /**
   * Passes on what the server reported about its load with this call's response (the {@code
   * endpoint-load-metrics} header, a gRPC trailer...), for strategies that weigh servers by it
   * ({@code Strategies.orcaWeightedRoundRobin()}). It may be called before or after the attempt
   * ends (a header read once the body is in), from any thread, and more than once; each report
   * is recorded, as received now, for {@link #server()}. lbkit's attempts hand it to the
   * tracker ({@link HealthTracker#onLoadReport}); the default ignores it.
   *
   * @param report what the server reported
   * @throws NullPointerException if {@code report} is null
   */
  default void report(LoadReport report) {
    java.util.Objects.requireNonNull(report, "report");
  }

  /** {@return whether one of the end methods has run} */
  boolean isEnded();

  /** Ends the attempt as a {@link #cancel()} if nothing ended it yet. */
  @Override
  default void close() {
    cancel();
  }
}
