package io.lbkit.strategy;

import io.lbkit.Fleet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fleet a test moves by hand; listeners run on the moving thread, as a registry's would. */
final class MovableFleet implements Fleet {
  final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Position position;

  MovableFleet(Position position) {
    this.position = position;
  }

  void move(Position next) {
    position = next;
    listeners.forEach(Runnable::run);
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void removeChangeListener(Runnable listener) {
    listeners.remove(listener);
  }

  @Override
  public String toString() {
    return "MovableFleet(" + position + ")";
  }
}
