package io.lbkit.okhttp;

import io.lbkit.failover.Outcome;
import io.lbkit.failover.OutcomeClassifier;
import io.lbkit.internal.Checks;
import java.util.Arrays;
import java.util.BitSet;

/**
 * OkHttp outcome rules to give a balancer ({@code LoadBalancer.Builder.classifier}) beyond the
 * defaults: statuses a service documents as "the request was not processed", counted as {@link
 * Outcome#NOT_SENT}, so that another server may be tried even for a POST. They still count against
 * the server's health (every outcome but a success does).
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(pool)
 *     .strategy(Strategies.roundRobin())
 *     .failover(Failover.retry(3))
 *     .classifier(OkHttpClassifier.notProcessed(503)) // this service sheds load before any work
 *     .build();
 * }</pre>
 *
 * <p>Why only where the service says so: HTTP does not promise that a 503 left no effect, so
 * lbkit counts it a {@link Outcome#FAILURE}, after which a non-idempotent request is not
 * repeated. The adapters report a 5xx or 429 answer as an {@link ErrorResponseException}; this
 * classifier looks at those only, and answers null (the defaults decide) for everything else.
 * Immutable and thread-safe.
 */
public final class OkHttpClassifier implements OutcomeClassifier {
  private final BitSet statuses = new BitSet(600);
  private final int[] listed;

  private OkHttpClassifier(int[] statuses) {
    this.listed = statuses.clone();
    Arrays.sort(listed);
    for (int s : statuses) {
      this.statuses.set(s);
    }
  }

  /**
   * A classifier counting answers with any of {@code statuses} as {@link Outcome#NOT_SENT}.
   *
   * @param statuses statuses the adapters report as failures: each 429 or in [500, 599], at
   *     least one (typically 503)
   * @return the classifier
   * @throws NullPointerException if {@code statuses} is null
   * @throws IllegalArgumentException if none is given, or one is neither 429 nor a 5xx
   */
  public static OkHttpClassifier notProcessed(int... statuses) {
    Checks.notNull(statuses, "statuses");
    Checks.argument(statuses.length > 0, "statuses", "[]", "at least one status");
    for (int s : statuses) {
      Checks.argument(s == 429 || (s >= 500 && s <= 599), "statuses", s,
          "429 or a status in [500, 599], the answers counted as failures");
    }
    return new OkHttpClassifier(statuses);
  }

  /**
   * Classifies one attempt: {@link Outcome#NOT_SENT} for an {@link ErrorResponseException} with
   * one of this classifier's statuses, null (the defaults decide) for anything else.
   *
   * @param result what the attempt returned, or null when it threw
   * @param error what the attempt threw, or null when it returned
   * @return {@link Outcome#NOT_SENT} or null
   */
  @Override
  public Outcome classify(Object result, Throwable error) {
    if (error instanceof ErrorResponseException
        && statuses.get(((ErrorResponseException) error).code())) {
      return Outcome.NOT_SENT;
    }
    return null;
  }

  @Override
  public String toString() {
    return "OkHttpClassifier.notProcessed" + Arrays.toString(listed);
  }
}
