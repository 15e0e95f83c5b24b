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
  DRAINED
}
