package io.lbkit.okhttp;

import io.lbkit.failover.RetryHint;
import java.io.IOException;
import okhttp3.Response;

/**
 * How an attempt that got a 5xx or 429 answer ends, as the balancer sees it: thrown, so that the
 * balancer's classifier counts it a failure (its defaults know nothing of OkHttp's {@link
 * Response}) and, under {@code Failover.retry}, waits the answer's {@code Retry-After} ({@link
 * #retryDelayNanos()}). The caller never gets this exception from an OkHttp call: when the call
 * ends on such an attempt, the caller gets {@link #response()}, as a proxy passes on the last
 * upstream answer. A user's {@link io.lbkit.failover.OutcomeClassifier} or fail-safe fallback may
 * meet it.
 *
 * <p>The response's body was read into memory (up to the adapter's {@code maxErrorBodyBytes}) and
 * the original closed, so the connection was free again before any retry. Made without a stack
 * trace: it marks an answer, not a place.
 */
public final class ErrorResponseException extends IOException implements RetryHint {
  private static final long serialVersionUID = 1L;

  private final transient Response response;
  /** The answer's status code. */
  private final int code;
  /** What {@link #retryDelayNanos()} answers. */
  private final long retryDelayNanos;

  ErrorResponseException(Response response, long retryDelayNanos) {
    super("HTTP " + response.code() + " from " + response.request().url(), null);
    this.response = response;
    this.code = response.code();
    this.retryDelayNanos = retryDelayNanos;
  }

  /** {@return the answer, its body kept in memory; null once deserialized (not serialized)} */
  public Response response() {
    return response;
  }

  /** {@return the answer's status code: 429 or a 5xx} */
  public int code() {
    return code;
  }

  /**
   * The wait the answer's {@code Retry-After} asks for.
   *
   * @return nanoseconds, {@link RetryHint#NO_HINT} without a usable header, or {@link
   *     RetryHint#NO_RETRY} when the wait is longer than the adapter's {@code maxRetryAfter} or
   *     would end past the call's deadline
   */
  @Override
  public long retryDelayNanos() {
    return retryDelayNanos;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
