package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import java.util.List;

/**
 * One event of a {@link CallRecording}, in the order the {@link CallRecorder} wrote it. Times are
 * nanoseconds on the balancer's ticker since the recording began; servers are indices into
 * {@link CallRecording#servers()}.
 */
public sealed interface RecordedEvent {

  /** {@return when it happened: nanoseconds since the recording began} */
  long timeNanos();

  /**
   * The pool's membership from now on (the first event of every recording is one).
   *
   * @param timeNanos when the pool changed
   * @param members the members' server indices, in the pool's order
   */
  record PoolChanged(long timeNanos, List<Integer> members) implements RecordedEvent {
    /**
     * Copies {@code members}.
     *
     * @param timeNanos when the pool changed
     * @param members the members' server indices, in the pool's order
     */
    public PoolChanged {
      members = List.copyOf(members);
    }
  }

  /**
   * A call began (see {@link CallListener#onCallStarted}). Only the key and the kind of the
   * request are kept: exclusions and attributes are not recorded.
   *
   * @param timeNanos when it began
   * @param key the hash key as given (a String or a Long), or null
   * @param idempotent whether the request may be repeated after any failure
   * @param write whether it is a write
   */
  record CallStarted(long timeNanos, Object key, boolean idempotent, boolean write)
      implements RecordedEvent {
    /** {@return a request with this key and kind, to issue the call again} */
    public Request request() {
      if (key == null && !write) {
        return idempotent ? Request.IDEMPOTENT : Request.NONE;
      }
      Request.Builder b = Request.builder().idempotent(idempotent).write(write);
      if (key instanceof Long) {
        b.key((Long) key);
      } else if (key != null) {
        b.key((String) key);
      }
      return b.build();
    }
  }

  /**
   * An attempt ended with an outcome (see {@link CallListener#onAttemptEnded}).
   *
   * @param timeNanos when it ended
   * @param kind why it was made
   * @param server the server's index
   * @param outcome how it went
   * @param durationNanos from its start to its end; it started at {@code timeNanos -
   *     durationNanos}
   */
  record AttemptEnded(long timeNanos, AttemptKind kind, int server, Outcome outcome,
      long durationNanos) implements RecordedEvent {}

  /**
   * An attempt ended without an outcome (see {@link CallListener#onAttemptCancelled}): the server
   * had not answered {@code durationNanos} after its start.
   *
   * @param timeNanos when it was cancelled
   * @param kind why it was made
   * @param server the server's index
   * @param durationNanos from its start to its cancel
   */
  record AttemptCancelled(long timeNanos, AttemptKind kind, int server, long durationNanos)
      implements RecordedEvent {}

  /**
   * No server could be chosen (see {@link CallListener#onChooseRefused}).
   *
   * @param timeNanos when
   * @param reason why
   */
  record ChooseRefused(long timeNanos, NoServerAvailableException.Reason reason)
      implements RecordedEvent {}

  /**
   * The retry budget refused an extra attempt (see {@link CallListener#onBudgetRefused}).
   *
   * @param timeNanos when
   * @param kind the attempt refused
   */
  record BudgetRefused(long timeNanos, AttemptKind kind) implements RecordedEvent {}

  /**
   * The recorded period ended ({@link CallRecorder#markEnd()}): no call started after it; what
   * follows are the ends of calls that were in flight.
   *
   * @param timeNanos when it ended
   */
  record EndMarked(long timeNanos) implements RecordedEvent {}
}
