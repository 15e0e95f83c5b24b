package io.lbkit.testing;

import io.lbkit.Fleet;
import io.lbkit.internal.Checks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Fleet} whose position moves only when a test moves it, as a registry's would when
 * clients join or leave: {@link #move} sets the position, then runs every change listener on the
 * calling thread. Thread-safe.
 */
public final class ManualFleet implements Fleet {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Position position;

  /**
   * A fleet at {@code position}.
   *
   * @param position this client's place, or null for "not known yet"
   */
  public ManualFleet(Position position) {
    this.position = position;
  }

  /**
   * Moves this client to {@code next} and tells every listener.
   *
   * @param next the new place, or null for "not known any more"
   */
  public void move(Position next) {
    position = next;
    listeners.forEach(Runnable::run);
  }

  /** {@return how many change listeners are registered now (a selector adds one)} */
  public int listenerCount() {
    return listeners.size();
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(Checks.notNull(listener, "listener"));
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  @Override
  public String toString() {
    return "ManualFleet(" + position + ")";
  }
}
