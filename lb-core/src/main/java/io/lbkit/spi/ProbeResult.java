package io.lbkit.spi;

import io.lbkit.internal.Checks;

/**
 * A server's answer to a probe: its requests in flight (RIF) when it answered, and the latency
 * it estimates for a call arriving at that RIF. Immutable.
 *
 * @param requestsInFlight calls the server had started and not finished, {@code >= 0}
 * @param latencyNanos the latency it expects at that load, {@code >= 0}; 0 when it has no
 *     estimate yet (a server that has served nothing), which probing strategies read as "as fast
 *     as any"
 */
public record ProbeResult(int requestsInFlight, long latencyNanos) {
  /**
   * Validates the answer.
   *
   * @param requestsInFlight calls in flight, {@code >= 0}
   * @param latencyNanos the expected latency, {@code >= 0}
   * @throws IllegalArgumentException if a figure is negative
   */
  public ProbeResult {
    Checks.nonNegative(requestsInFlight, "requestsInFlight");
    Checks.nonNegative(latencyNanos, "latencyNanos");
  }
}
