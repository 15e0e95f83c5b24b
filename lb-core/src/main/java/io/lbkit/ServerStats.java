package io.lbkit;

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
 * @param throughputPerSecond completed calls per second over the tracker's throughput window
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
}
