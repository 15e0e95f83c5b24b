package io.lbkit.discovery;

import io.lbkit.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of every polling source: one lookup at a time, the next one scheduled from the
 * answer ({@link Polling}), a timeout on the scheduler, answers delivered in order.
 *
 * <pre>
 * idle --(due, or refresh())--> in flight --(answer / failure / timeout)--> deliver, schedule
 * </pre>
 *
 * A lookup's answer is delivered while this loop's lock is held, so that two answers can never
 * reach the listener out of order (a refresh's fast answer overtaking a slow one). The lock is
 * never held while a lookup runs. A late answer (after its timeout, or after {@link #close()})
 * is dropped.
 */
final class PollLoop {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

  /** One lookup: starts it (blocking work goes to {@code executor}) and gives its answer. */
  @FunctionalInterface
  interface Lookup {
    CompletionStage<Answer> start(Executor executor) throws Exception;
  }

  /** A lookup's answer: the servers and, when the answer says, how long they hold. */
  static final class Answer {
    final List<Server> servers;
    final Duration ttl; // null: no TTL in the answer

    Answer(List<Server> servers, Duration ttl) {
      this.servers = servers;
      this.ttl = ttl;
    }
  }

  private final String name;
  private final Lookup lookup;
  private final Polling polling;
  private final ServerSource.Listener listener;
  private final ServerSource.Context context;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean closed;
  private boolean inFlight;
  private long attempt;
  private int emptyOrFailed; // in a row
  private long lookups;
  private Future<?> next;
  private Future<?> timeout;

  PollLoop(String name, Lookup lookup, Polling polling, ServerSource.Listener listener,
      ServerSource.Context context) {
    this.name = name;
    this.lookup = lookup;
    this.polling = polling;
    this.listener = listener;
    this.context = context;
  }

  /** The first lookup, at once: it only hands work to the executor, so it does not block. */
  void start() {
    poll();
  }

  /** Looks up now unless a lookup is under way, whose answer is as fresh. */
  void refresh() {
    synchronized (lock) {
      if (closed || inFlight) {
        return;
      }
      cancel(next);
      schedule(0);
    }
  }

  void close() {
    synchronized (lock) {
      closed = true;
      cancel(next);
      cancel(timeout);
    }
  }

  /** {@return how many lookups have started; for tests} */
  long lookups() {
    synchronized (lock) {
      return lookups;
    }
  }

  /** {@return whether a lookup is under way; for tests} */
  boolean inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  private void poll() {
    long id;
    synchronized (lock) {
      if (closed || inFlight) {
        return;
      }
      inFlight = true;
      id = ++attempt;
      lookups++;
      timeout = scheduleOrNull(() -> finish(id, null, new TimeoutException(
          name + ": no answer within " + Durations.readable(polling.timeout()))),
          polling.timeout().toNanos());
    }
    CompletionStage<Answer> stage;
    try {
      stage = lookup.start(context.executor());
    } catch (Throwable t) {
      finish(id, null, t); // the loop goes on: the next lookup is scheduled
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      return;
    }
    if (stage == null) {
      finish(id, null, new NullPointerException(name + ": the lookup gave no answer"));
    } else {
      stage.whenComplete((answer, error) -> finish(id, answer, error));
    }
  }

  private void finish(long id, Answer answer, Throwable error) {
    synchronized (lock) {
      if (closed || !inFlight || id != attempt) {
        return; // late: timed out already, or closed
      }
      inFlight = false;
      cancel(timeout);
      Throwable failure = unwrap(error);
      boolean usable = failure == null && answer != null && answer.servers != null
          && !answer.servers.isEmpty();
      if (failure == null && (answer == null || answer.servers == null)) {
        failure = new NullPointerException("servers: null (expected: a list, empty if none)");
      }
      if (usable) {
        emptyOrFailed = 0;
        schedule(polling.afterAnswerNanos(answer.ttl));
      } else {
        emptyOrFailed++;
        schedule(polling.backoffNanos(emptyOrFailed, context.random()));
      }
      if (failure != null) {
        log.debug("{}: lookup {} failed: {}", name, id, failure.toString());
        listener.onError(failure);
      } else {
        log.debug("{}: lookup {} answered {} servers, ttl {}", name, id, answer.servers.size(),
            answer.ttl);
        listener.onServers(answer.servers);
      }
    }
  }

  private void schedule(long delayNanos) {
    next = scheduleOrNull(this::poll, delayNanos);
    if (next == null) {
      log.warn("{}: the scheduler refused the next lookup; this source stops polling", name);
    }
  }

  private Future<?> scheduleOrNull(Runnable task, long delayNanos) {
    try {
      return context.scheduler().schedule(task, delayNanos);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
