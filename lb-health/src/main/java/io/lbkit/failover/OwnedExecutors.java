package io.lbkit.failover;

import io.lbkit.Scheduler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The timer thread and call pool a balancer creates for itself when none is given: created on
 * first use (a fail-fast balancer never starts a thread), daemon threads, shut down by {@link
 * #close()}.
 */
final class OwnedExecutors implements Scheduler, Executor, AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final int id = IDS.incrementAndGet();
  private ScheduledThreadPoolExecutor timer; // guarded by this
  private ExecutorService calls; // guarded by this
  private boolean closed; // guarded by this

  private synchronized ScheduledThreadPoolExecutor timer() {
    if (timer == null) {
      timer = new ScheduledThreadPoolExecutor(1, factory("lbkit-" + id + "-timer"));
      timer.setRemoveOnCancelPolicy(true);
      if (closed) {
        timer.shutdownNow();
      }
    }
    return timer;
  }

  private synchronized ExecutorService calls() {
    if (calls == null) {
      calls = Executors.newCachedThreadPool(factory("lbkit-" + id + "-call"));
      if (closed) {
        calls.shutdownNow();
      }
    }
    return calls;
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    return timer().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos);
  }

  @Override
  public void execute(Runnable command) {
    calls().execute(command);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
    if (calls != null) {
      calls.shutdown(); // calls running now finish: closing must not fail them as interrupted
    }
  }

  private static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
