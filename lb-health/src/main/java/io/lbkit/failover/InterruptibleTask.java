package io.lbkit.failover;

import io.lbkit.Server;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A blocking {@link Call} run on an executor, seen as a future whose {@code cancel(true)} also
 * interrupts the thread running it: how a losing fork or hedge copy of a blocking call is
 * stopped. The interrupt is delivered only while the call runs, so it never leaks into the
 * pool thread's next task.
 */
final class InterruptibleTask<T> extends CompletableFuture<T> implements Runnable {
  private final Call<T, ?> call;
  private final Server server;
  private final Object lock = new Object();
  private Thread runner; // guarded by lock

  private InterruptibleTask(Call<T, ?> call, Server server) {
    this.call = call;
    this.server = server;
  }

  /** An {@link AsyncCall} that runs {@code call} on {@code executor}. */
  static <T> AsyncCall<T> on(Executor executor, Call<T, ?> call) {
    return server -> {
      InterruptibleTask<T> task = new InterruptibleTask<>(call, server);
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.completeExceptionally(e);
      }
      return task;
    };
  }

  @Override
  public void run() {
    synchronized (lock) {
      if (isDone()) {
        return;
      }
      runner = Thread.currentThread();
    }
    try {
      complete(call.call(server));
    } catch (Throwable e) {
      completeExceptionally(e);
    } finally {
      synchronized (lock) {
        runner = null;
        Thread.interrupted(); // a cancel that raced the end of the call must not leak
      }
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled && mayInterruptIfRunning) {
      synchronized (lock) {
        if (runner != null) {
          runner.interrupt();
        }
      }
    }
    return cancelled;
  }
}
