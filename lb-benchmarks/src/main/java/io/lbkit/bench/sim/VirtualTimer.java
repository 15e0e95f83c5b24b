package io.lbkit.bench.sim;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A task scheduled on the {@link EventQueue}, as a {@link Future}: cancel drops it, and since
 * waiting cannot make virtual time pass, {@code get} answers only once it ran (or throws).
 */
final class VirtualTimer implements Future<Void>, Runnable {
  private final Runnable task;
  private boolean cancelled;
  private boolean ran;

  VirtualTimer(Runnable task) {
    this.task = task;
  }

  @Override
  public void run() {
    if (!cancelled) {
      ran = true;
      task.run();
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (ran || cancelled) {
      return false;
    }
    cancelled = true;
    return true;
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public boolean isDone() {
    return ran || cancelled;
  }

  @Override
  public Void get() {
    if (cancelled) {
      throw new CancellationException("virtual timer cancelled");
    }
    if (!ran) {
      throw new IllegalStateException("get: timer not run yet (expected: no blocking wait in "
          + "virtual time)");
    }
    return null;
  }

  @Override
  public Void get(long timeout, TimeUnit unit) {
    return get();
  }
}
