package io.lbkit.failover;

import io.lbkit.Request;
import io.lbkit.Server;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A balancer's background retries under {@link FailBack}: at most {@code maxPending} calls, the
 * oldest dropped beyond that, everything cancelled by {@link #close()}. Thread-safe.
 */
final class FailBackQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FailBackQueue.class);

  private final Engine engine;
  private final FailBack config;
  private final ConcurrentLinkedDeque<Pending<?>> pending = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private volatile boolean closed;

  FailBackQueue(Engine engine, FailBack config) {
    this.engine = engine;
    this.config = config;
  }

  /**
   * Queues a call that failed on {@code failedOn} for background retries. Adding is serialised
   * (it is the failure path), so the queue never holds more than its limit, whatever the
   * concurrency: the oldest is dropped first.
   */
  <T> void add(Request request, AsyncCall<T> call, Server failedOn) {
    Pending<T> p = new Pending<>(request, call, failedOn);
    Pending<?> dropped = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (size.get() >= config.maxPending) {
        dropped = pending.peekFirst();
        if (dropped != null) {
          dropped.finish();
        }
      }
      size.incrementAndGet();
      pending.addLast(p);
    }
    if (dropped != null) {
      dropped.stop();
      log.warn("fail-back queue full ({} pending): dropped the oldest retry of {}",
          config.maxPending, dropped.request);
    }
    p.scheduleNext();
  }

  /** Calls waiting for, or running, a background retry. */
  int pending() {
    return size.get();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    Pending<?> p;
    while ((p = pending.peekFirst()) != null) {
      p.drop();
    }
  }

  private final class Pending<T> {
    final Request request;
    private final AsyncCall<T> call;
    private final AtomicBoolean finished = new AtomicBoolean();
    private Request tried;
    private Server last;
    private int retries;
    private volatile Engine.Timer timer;
    private volatile CallAttempt current;

    Pending(Request request, AsyncCall<T> call, Server failedOn) {
      this.request = request;
      this.call = call;
      this.last = failedOn;
      this.tried = request.excluding(failedOn);
    }

    void scheduleNext() {
      if (finished.get()) {
        return;
      }
      if (retries >= config.maxRetries) {
        finish();
        log.debug("fail-back gave up after {} retries: {}", retries, request);
        return;
      }
      long wait = config.backoff.delayNanos(retries + 1, engine.random);
      // A timer that never fires (closed, scheduler shut down) takes the call off the queue.
      timer = engine.schedule(this::retry, wait, this::finish);
      if (finished.get()) {
        timer.cancel(); // dropped while scheduling
      }
    }

    private void retry() {
      if (finished.get() || closed) {
        return;
      }
      retries++;
      if (!engine.acquireBudget(AttemptKind.FAIL_BACK)) {
        scheduleNext();
        return;
      }
      CallAttempt a = engine.tryBeginRetry(false, tried, request, last, AttemptKind.FAIL_BACK);
      if (a == null) {
        scheduleNext();
        return;
      }
      current = a;
      a.start(call, this::onEnd);
      if (finished.get()) {
        a.cancel();
      }
    }

    private void onEnd(CallAttempt a) {
      if (a.outcome.isSuccess()) {
        finish();
        return;
      }
      last = a.server();
      tried = tried.excluding(a.server());
      if (!Engine.mayRepeat(request, a.outcome, false)) {
        finish();
        return;
      }
      scheduleNext();
    }

    /** Leaves the queue; true for the one caller that made it leave. */
    boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      pending.remove(this);
      size.decrementAndGet();
      return true;
    }

    /** Leaves the queue and stops its timer and any running attempt. */
    void drop() {
      finish();
      stop();
    }

    /** Stops the timer and any running attempt. */
    void stop() {
      Engine.Timer t = timer;
      if (t != null) {
        t.cancel();
      }
      CallAttempt a = current;
      if (a != null) {
        a.cancel();
      }
    }
  }
}
