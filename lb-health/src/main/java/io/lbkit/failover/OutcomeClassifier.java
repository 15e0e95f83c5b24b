package io.lbkit.failover;

/**
 * Decides whether an attempt succeeded, for health tracking and failover. Called once per attempt
 * with either the returned {@code result} ({@code error == null}) or the thrown {@code error}
 * ({@code result == null}); it must be fast, must not block and should not throw (a throwing
 * classifier is logged and the {@linkplain #defaults() defaults} decide).
 *
 * <p>Returning {@code null} hands the decision to the defaults, so a classifier need only name the
 * cases it cares about:
 *
 * <pre>{@code
 * OutcomeClassifier c = (result, error) ->
 *     result instanceof MyResponse r && r.code() == 409 ? Outcome.SUCCESS : null;
 * }</pre>
 */
@FunctionalInterface
public interface OutcomeClassifier {

  /**
   * Classifies one attempt.
   *
   * @param result what the attempt returned, or null when it threw
   * @param error what the attempt threw, or null when it returned
   * @return the outcome, or null to let the {@linkplain #defaults() defaults} decide
   */
  Outcome classify(Object result, Throwable error);

  /**
   * The built-in rules, for plain exceptions and {@code java.net.http}:
   *
   * <ul>
   *   <li>A returned {@code java.net.http.HttpResponse} with status 429 or >= 500 is a {@link
   *       Outcome#FAILURE} (the server is broken or shedding load, so another server may do
   *       better); every other status, 404 included, is a {@link Outcome#SUCCESS}: the server
   *       answered correctly. Any other returned value is a success.
   *   <li>Errors are unwrapped from {@code CompletionException}, {@code ExecutionException} and
   *       {@code UncheckedIOException}. {@code ConnectException}, {@code
   *       HttpConnectTimeoutException}, {@code NoRouteToHostException}, {@code
   *       UnknownHostException}, {@code PortUnreachableException} and resilience4j's {@code
   *       CallNotPermittedException} are {@link Outcome#NOT_SENT}: the request never left.
   *   <li>{@code SocketTimeoutException}, {@code HttpTimeoutException}, {@code
   *       java.util.concurrent.TimeoutException} and {@code InterruptedIOException} are {@link
   *       Outcome#TIMEOUT}. Everything else is a {@link Outcome#FAILURE}.
   * </ul>
   *
   * @return the shared built-in classifier; it never answers null
   */
  static OutcomeClassifier defaults() {
    return DefaultClassifier.INSTANCE;
  }
}
