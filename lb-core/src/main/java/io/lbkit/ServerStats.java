package io.lbkit;

import java.time.Duration;
import java.util.Locale;

/**
 * A point-in-time view of one server's counters.
 *
 * @param server the server
 * @param state its state when the snapshot was taken
 * @param inFlight calls started and not yet ended
 * @param requests calls ended with an outcome (success or failure)
 * @param failures calls ended with a failure
 * @param ewmaLatencyNanos the peak-sensitive EWMA latency, decayed to now; 0 before any call
 * @param averageLatencyNanos total latency / requests; 0 before any call
 * @param throughputPerSecond completed calls per second: over the health monitor's throughput
 *     window, or since the first call for a plain {@link LoadTracker}
 */
public record ServerStats(
    Server server,
    ServerState state,
    int inFlight,
    long requests,
    long failures,
    double ewmaLatencyNanos,
    double averageLatencyNanos,
    double throughputPerSecond) {

  /** {@return failures / requests, or 0 before any call ended} */
  public double failureRate() {
    return requests == 0 ? 0.0 : (double) failures / requests;
  }

  /** {@return {@link #ewmaLatencyNanos()} as a duration, to the nanosecond} */
  public Duration ewmaLatency() {
    return Duration.ofNanos(Math.round(ewmaLatencyNanos));
  }

  /** {@return {@link #averageLatencyNanos()} as a duration, to the nanosecond} */
  public Duration averageLatency() {
    return Duration.ofNanos(Math.round(averageLatencyNanos));
  }

  /** For logs: latencies in milliseconds, the failure rate in percent. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "ServerStats{%s %s inFlight=%d requests=%d failures=%d (%.1f%%) ewma=%.3f ms"
            + " avg=%.3f ms throughput=%.1f/s}",
        server.id(), state, inFlight, requests, failures, 100 * failureRate(),
        ewmaLatencyNanos / 1e6, averageLatencyNanos / 1e6, throughputPerSecond);
  }
}
