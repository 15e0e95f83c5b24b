package io.lbkit.bench.peers;

/**
 * One implementation's selection, fully built before measurement starts; {@link #choose} is the
 * call a benchmark measures.
 *
 * <p>{@code seq} is a per-thread counter. Implementations that route by key use it to index inputs
 * precomputed in {@link Fleet}; the others ignore it. A chooser is shared by all benchmark threads,
 * exactly as a balancer is shared by the threads of a client.
 */
@FunctionalInterface
public interface Chooser {

  /** Picks a server and returns it (or the peer's wrapper around it) so that JMH consumes it. */
  Object choose(int seq);
}
