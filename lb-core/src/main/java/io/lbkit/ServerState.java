package io.lbkit;

/** Where a server stands, as far as choosing it goes. */
public enum ServerState {
  /** Chosen normally. */
  HEALTHY,
  /** Chosen with a reduced share while it warms up after joining or recovering. */
  SLOW_START,
  /** Taken out of rotation by health tracking until its ejection ends or a check restores it. */
  EJECTED,
  /** Weight 0 with calls still in flight: no new calls. */
  DRAINING,
  /** Weight 0 and nothing in flight. */
  DRAINED,
  /**
   * Not a member of the pool the tracker follows (never added, or removed): nothing is known of it
   * that would make it a candidate.
   */
  NOT_IN_POOL
}
