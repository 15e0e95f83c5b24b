package io.lbkit.discovery;

/**
 * Told what a {@link Discovery} did, in order: each change it made to the pool, each failure of
 * its source (every one, where the log warns once per outage), and the source's recovery.
 *
 * <p>Threading: called on the thread that made the change (the source's, or the scheduler's for
 * removals), never while the binder holds its lock, one call at a time. Calls back into the
 * binder ({@code status()}, {@code refresh()}) are allowed. What a listener throws is logged and
 * changes nothing.
 */
public interface DiscoveryListener {

  /**
   * The pool changed.
   *
   * @param change what was added, updated, drained, restored or removed
   */
  default void onChange(MembershipChange change) {}

  /**
   * The source failed or its answer was rejected (empty, null, duplicate or invalid servers); the
   * pool kept its servers.
   *
   * @param error what went wrong
   * @param status the binder's status after this failure
   */
  default void onSourceFailure(Throwable error, DiscoveryStatus status) {}

  /**
   * The source answered with a usable list again after one or more failures.
   *
   * @param status the binder's status after this answer
   */
  default void onSourceRecovered(DiscoveryStatus status) {}
}
