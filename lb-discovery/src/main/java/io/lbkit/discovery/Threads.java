package io.lbkit.discovery;

import io.lbkit.Scheduler;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads a binder owns when it is given no scheduler or executor: daemons, named. */
final class Threads {
  private Threads() {}

  static Scheduler ownedScheduler(int id, List<ExecutorService> owned) {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, named("lbkit-discovery-" + id + "-timer"));
    timer.setRemoveOnCancelPolicy(true); // cancelled refreshes and removals do not pile up
    owned.add(timer);
    return Scheduler.of(timer);
  }

  /**
   * Threads that exist only while lookups run. A lookup that hangs past its timeout keeps its
   * thread; once {@code max} hang, the next lookup is refused and counts as a failure instead of
   * queueing behind them for ever.
   */
  static ExecutorService ownedLookups(int id, int max, List<ExecutorService> owned) {
    ThreadPoolExecutor lookups = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), named("lbkit-discovery-" + id + "-lookup"));
    owned.add(lookups);
    return lookups;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
