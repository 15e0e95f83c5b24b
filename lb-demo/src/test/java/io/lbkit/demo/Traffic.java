package io.lbkit.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Test load: {@code threads} threads repeat one call until closed, counting successes and
 * failures (a failure is a call that returned false or threw). Also the bounded polling the tests
 * use to wait for a state: no test waits a fixed time for lbkit.
 */
final class Traffic implements AutoCloseable {

  /** One call; true when it succeeded. {@code n} numbers the calls of one thread from 1. */
  @FunctionalInterface
  interface Call {
    boolean run(int thread, long n) throws Exception;
  }

  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private final List<String> errors = new ArrayList<>();
  private final Thread[] threads;
  private volatile boolean stop;

  Traffic(int threads, Call call) {
    this.threads = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int t = i;
      this.threads[i] = new Thread(() -> loop(t, call), "test-traffic-" + i);
      this.threads[i].setDaemon(true);
      this.threads[i].start();
    }
  }

  private void loop(int t, Call call) {
    for (long n = 1; !stop; n++) {
      boolean success;
      String why = null;
      try {
        success = call.run(t, n);
      } catch (Exception e) {
        success = false;
        why = e.toString();
      }
      if (success) {
        ok.incrementAndGet();
      } else {
        failed.incrementAndGet();
        synchronized (errors) {
          if (errors.size() < 10) {
            errors.add(why == null ? "call returned false" : why);
          }
        }
      }
    }
  }

  long calls() {
    return ok.get() + failed.get();
  }

  /** Waits until {@code more} calls beyond now have ended. */
  void awaitMoreCalls(long more, Duration max) {
    long target = calls() + more;
    poll(() -> calls() >= target, max, "traffic reached " + target + " calls");
  }

  List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Stops every thread and waits for them. */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  /** Polls {@code condition} every 5 ms until true; fails the test after {@code max}. */
  static void poll(BooleanSupplier condition, Duration max, String what) {
    long end = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + max + " waiting until " + what);
      }
      try {
        Thread.sleep(5); // polling interval only; the condition decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }
}
