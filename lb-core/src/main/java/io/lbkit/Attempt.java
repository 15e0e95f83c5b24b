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

  /** The server this attempt goes to. */
  Server server();

  /** The tracker's reading when the attempt started, for latencies measured outside lbkit. */
  long startNanos();

  /** The call succeeded. Returns whether this was the attempt's end (false if it had ended). */
  boolean success();

  /** The call failed with {@code error} (may be null). Returns whether this was the end. */
  boolean failure(Throwable error);

  /**
   * The call was abandoned without an outcome (a hedge that lost, a caller that gave up): the
   * in-flight count and any probe slot are released, nothing is counted for or against the
   * server. Returns whether this was the end.
   */
  boolean cancel();

  /** Whether one of the end methods has run. */
  boolean isEnded();

  /** Ends the attempt as a {@link #cancel()} if nothing ended it yet. */
  @Override
  default void close() {
    cancel();
  }
}
