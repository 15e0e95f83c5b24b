package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import java.util.concurrent.Future;

/** What a policy sees of a run when it binds: the run's own objects, on virtual time. */
record RunView(ServerPool pool, Strategy strategy, HealthTracker tracker, Selector selector,
    Ticker ticker, RandomSource random, EventQueue events) implements ClientPolicy.Run {

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    VirtualTimer timer = new VirtualTimer(task);
    events.after(delayNanos, timer);
    return timer;
  }
}
