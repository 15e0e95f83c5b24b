package io.lbkit.discovery;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Discovery}'s state at one moment, for health endpoints and alerts: how fresh the
 * pool's list is and how the source has been doing. Immutable; the durations are measured on the
 * binder's ticker when the status was taken.
 */
public final class DiscoveryStatus {
  private final long version;
  private final int servers;
  private final int draining;
  private final int consecutiveFailures;
  private final Throwable lastError;
  private final Duration sinceLastSuccess;
  private final Duration sinceLastError;
  private final Duration staleness;

  DiscoveryStatus(long version, int servers, int draining, int consecutiveFailures,
      Throwable lastError, Duration sinceLastSuccess, Duration sinceLastError,
      Duration staleness) {
    this.version = version;
    this.servers = servers;
    this.draining = draining;
    this.consecutiveFailures = consecutiveFailures;
    this.lastError = lastError;
    this.sinceLastSuccess = sinceLastSuccess;
    this.sinceLastError = sinceLastError;
    this.staleness = staleness;
  }

  /**
   * {@return the list version: 0 before the first list, one more for every list that changed the
   * pool} Lists identical to the last one, and removals at the end of a delay, do not count.
   */
  public long version() {
    return version;
  }

  /** {@return whether a first list has been accepted (what {@code ready()} waits for)} */
  public boolean isReady() {
    return version > 0;
  }

  /** {@return how many servers the pool holds, draining ones included} */
  public int serverCount() {
    return servers;
  }

  /** {@return how many of them left the source's list and wait out the removal delay} */
  public int drainingCount() {
    return draining;
  }

  /** {@return failures and rejected answers since the last usable list; 0 when healthy} */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** {@return the most recent failure or rejection, even if the source has recovered since} */
  public Optional<Throwable> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** {@return time since the source last gave a usable list (an identical one counts)} */
  public Optional<Duration> sinceLastSuccess() {
    return Optional.ofNullable(sinceLastSuccess);
  }

  /** {@return time since the last failure or rejection} */
  public Optional<Duration> sinceLastError() {
    return Optional.ofNullable(sinceLastError);
  }

  /**
   * {@return how old the pool's knowledge is: time since the last usable list, or since the
   * binder started when there was none} Grows through an outage while the pool keeps its list.
   */
  public Duration staleness() {
    return staleness;
  }

  @Override
  public String toString() {
    return "DiscoveryStatus{version=" + version + ", servers=" + servers + ", draining="
        + draining + ", consecutiveFailures=" + consecutiveFailures + ", staleness=" + staleness
        + (lastError == null ? "" : ", lastError=" + lastError + " " + sinceLastError + " ago")
        + '}';
  }
}
