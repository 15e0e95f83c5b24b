package io.lbkit.http;

import io.lbkit.failover.Outcome;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.internal.Checks;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.BitSet;

/**
 * HTTP outcome rules to give a balancer ({@code LoadBalancer.Builder.classifier}) beyond {@link
 * OutcomeClassifier#defaults()}: statuses a service documents as "the request was not processed",
 * counted as {@link Outcome#NOT_SENT}, so that another server may be tried even for a POST. They
 * still count against the server's health (every outcome but a success does).
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(pool)
 *     .strategy(Strategies.roundRobin())
 *     .failover(Failover.retry(3))
 *     .classifier(HttpClassifier.notProcessed(503)) // this service sheds load before any work
 *     .build();
 * }</pre>
 *
 * <p>Why only where the service says so: HTTP does not promise that a 503 left no effect (a
 * server may fail after doing part of the work), so lbkit's defaults count it a {@link
 * Outcome#FAILURE} after which a non-idempotent request is not repeated. A service whose load
 * shedder answers 503 before reading the request (Envoy's overload manager, a queue limit) may
 * document it, and its clients opt in here. Every other answer and every error is left to the
 * defaults ({@code classify} answers null for them). Immutable and thread-safe.
 */
public final class HttpClassifier implements OutcomeClassifier {
  private final BitSet statuses;
  private final int[] listed;

  private HttpClassifier(int[] statuses) {
    this.listed = statuses.clone();
    Arrays.sort(listed);
    this.statuses = new BitSet(600);
    for (int s : statuses) {
      this.statuses.set(s);
    }
  }

  /**
   * A classifier counting answers with any of {@code statuses} as {@link Outcome#NOT_SENT}.
   *
   * @param statuses error statuses, each in [400, 599], at least one (typically 503, or 429
   *     from a rate limiter that rejects before any work)
   * @return the classifier
   * @throws NullPointerException if {@code statuses} is null
   * @throws IllegalArgumentException if none is given or one is outside [400, 599]
   */
  public static HttpClassifier notProcessed(int... statuses) {
    Checks.notNull(statuses, "statuses");
    Checks.argument(statuses.length > 0, "statuses", "[]", "at least one status");
    for (int s : statuses) {
      Checks.argument(s >= 400 && s <= 599, "statuses", s, "an error status in [400, 599]");
    }
    return new HttpClassifier(statuses);
  }

  /**
   * Classifies one attempt: {@link Outcome#NOT_SENT} for an {@link HttpResponse} with one of this
   * classifier's statuses, null (the defaults decide) for anything else.
   *
   * @param result what the attempt returned, or null when it threw
   * @param error what the attempt threw, or null when it returned
   * @return {@link Outcome#NOT_SENT} or null
   */
  @Override
  public Outcome classify(Object result, Throwable error) {
    if (result instanceof HttpResponse && statuses.get(((HttpResponse<?>) result).statusCode())) {
      return Outcome.NOT_SENT;
    }
    return null;
  }

  @Override
  public String toString() {
    return "HttpClassifier.notProcessed" + Arrays.toString(listed);
  }
}
