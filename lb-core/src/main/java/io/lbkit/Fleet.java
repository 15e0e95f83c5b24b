package io.lbkit;

import io.lbkit.internal.Checks;

/**
 * The fleet of clients this one belongs to: how many there are and which one this is. A strategy
 * that spreads a fleet over the servers ({@code Strategies.subset(size, fleet, delegate)}) reads
 * the {@link #position()} on the write path and rebuilds when it changes.
 *
 * <p>A fleet is either {@link #fixed} (a replica ordinal and replica count from a StatefulSet or
 * from configuration) or learnt from a registry where every client lists itself ({@code
 * ZooKeeperFleet} in {@code lb-zookeeper}), which moves as clients join and leave.
 *
 * <p>Threading contract for implementations: {@link #position()} may be called from any thread
 * and must not block. A change of position calls every change listener once, after the new
 * position is visible through {@link #position()}, on a thread of the fleet's choosing, never
 * while holding a lock the fleet needs; a listener that throws is caught and logged, and the
 * fleet and the other listeners carry on. Listeners are hints (the selector rebuilds and reads
 * the position again), so a burst of changes may be told once or several times.
 */
public interface Fleet {

  /**
   * This client's place in the fleet, or null while it is not known yet (a registry not read
   * yet, this client not listed yet).
   *
   * @return the current position, or null
   */
  Position position();

  /**
   * Asks to be told when {@link #position()} changes. A fixed fleet never calls it.
   *
   * @param listener run after each change; must not block
   * @throws NullPointerException if {@code listener} is null
   */
  void addChangeListener(Runnable listener);

  /**
   * Stops telling {@code listener}; a listener never added is ignored.
   *
   * @param listener a listener passed to {@link #addChangeListener}
   */
  void removeChangeListener(Runnable listener);

  /**
   * A fleet whose position never changes: client {@code index} of {@code count}.
   *
   * @param index this client's index, 0 to {@code count - 1} (a StatefulSet ordinal)
   * @param count how many clients the fleet has, at least 1
   * @return the fleet
   * @throws IllegalArgumentException if {@code count < 1} or {@code index} is outside [0, count)
   */
  static Fleet fixed(int index, int count) {
    return new FixedFleet(new Position(index, count));
  }

  /**
   * Client {@code index} of {@code count}. Two positions are equal when both figures are.
   *
   * @param index this client's index, 0 to {@code count - 1}
   * @param count how many clients the fleet has, at least 1
   */
  record Position(int index, int count) {
    /**
     * Checks the figures.
     *
     * @param index this client's index, 0 to {@code count - 1}
     * @param count how many clients the fleet has, at least 1
     * @throws IllegalArgumentException if {@code count < 1} or {@code index} is outside [0,
     *     count)
     */
    public Position {
      Checks.argument(count >= 1, "count", count, ">= 1");
      if (index < 0 || index >= count) {
        throw new IllegalArgumentException(
            Checks.describe("index", index, "0 to " + (count - 1) + ", as count is " + count));
      }
    }

    @Override
    public String toString() {
      return index + "/" + count;
    }
  }
}

/** {@link Fleet#fixed}: one position for ever, so listeners are never called nor kept. */
final class FixedFleet implements Fleet {
  private final Position position;

  FixedFleet(Position position) {
    this.position = position;
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public void addChangeListener(Runnable listener) {
    Checks.notNull(listener, "listener");
  }

  @Override
  public void removeChangeListener(Runnable listener) {}

  @Override
  public String toString() {
    return "Fleet.fixed(" + position + ")";
  }
}
