package io.lbkit.bench.sim;

import io.lbkit.Scheduler;
import java.util.concurrent.Future;

/**
 * A {@link Scheduler} whose timers are events of the run's {@link EventQueue}, for what the
 * strategy schedules (zone spillover's evaluations); nothing may block the event loop. A timer
 * due at or after the run's end never fires, so a task that reschedules itself lets the run end.
 */
final class EventScheduler implements Scheduler {
  private final EventQueue events;
  private final long endNanos;

  EventScheduler(EventQueue events, long endNanos) {
    this.events = events;
    this.endNanos = endNanos;
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    VirtualTimer timer = new VirtualTimer(task);
    if (events.now() + delayNanos < endNanos) {
      events.after(delayNanos, timer);
    } else {
      timer.cancel(false);
    }
    return timer;
  }

  @Override
  public void sleep(long nanos) {
    throw new UnsupportedOperationException("sleep: " + nanos + " ns (expected: no blocking "
        + "wait on the simulator's event loop)");
  }
}
