package io.lbkit.bench.sim;

import io.lbkit.Request;
import io.lbkit.Server;

/**
 * Client policies written in the simulator itself, over {@link ClientPolicy.Call#attempt}: a
 * reference for tests (the {@link Catalog} policies are lbkit's {@code LoadBalancer} facade, see
 * {@link FacadePolicy}). {@link #retry} is Dubbo's failover without backoff or budget (try another
 * server right away, never one already tried).
 */
public final class Policies {
  /** How long a client waits for one attempt. */
  public static final long DEFAULT_ATTEMPT_TIMEOUT_NANOS = 1_000_000_000L;

  private Policies() {}

  /** One attempt, no retry. */
  public static ClientPolicy single() {
    return retry(0);
  }

  /** Up to {@code retries} more attempts after a failure, each on a server not tried yet. */
  public static ClientPolicy retry(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
    }
    return new Retry(retries, DEFAULT_ATTEMPT_TIMEOUT_NANOS);
  }

  private static final class Retry implements ClientPolicy {
    private final int retries;
    private final long timeoutNanos;

    Retry(int retries, long timeoutNanos) {
      this.retries = retries;
      this.timeoutNanos = timeoutNanos;
    }

    @Override
    public String name() {
      return retries == 0 ? "single" : "retry" + retries;
    }

    @Override
    public void start(Call call) {
      attempt(call, call.request(), 0);
    }

    private void attempt(Call call, Request request, int done) {
      call.attempt(request, timeoutNanos, (Server server, Outcome outcome) -> {
        if (outcome.isSuccess()) {
          call.finish(true);
        } else if (server != null && done < retries) {
          attempt(call, request.excluding(server), done + 1);
        } else {
          call.finish(false);
        }
      });
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
