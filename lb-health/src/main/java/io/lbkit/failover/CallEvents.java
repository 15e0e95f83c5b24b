package io.lbkit.failover;

import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Ticker;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters a balancer keeps of its calls (attempts and budget refusals by kind) and the
 * {@link CallListener}s told of them. Counting is a striped add; a listener call, and the clock
 * read it needs, happen only while some listener is registered.
 */
final class CallEvents {
  private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);
  private static final AttemptKind[] KINDS = AttemptKind.values();

  private final LongAdder[] attempts = adders();
  private final LongAdder[] budgetRefusals = adders();
  private final CopyOnWriteArrayList<CallListener> listeners = new CopyOnWriteArrayList<>();
  private final WarnLimiter failures = new WarnLimiter(WarnLimiter.DEFAULT_INTERVAL_NANOS);
  private final Ticker ticker;

  CallEvents(Ticker ticker) {
    this.ticker = ticker;
  }

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[KINDS.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void add(CallListener l) {
    listeners.add(l);
  }

  void remove(CallListener l) {
    listeners.remove(l);
  }

  /**
   * Whether any listener is registered: one volatile read of the list's array. Read from the
   * list itself, so an add racing a remove cannot leave a stale flag behind.
   */
  boolean listening() {
    return !listeners.isEmpty();
  }

  long attempts(AttemptKind kind) {
    return attempts[kind.ordinal()].sum();
  }

  long budgetRefusals(AttemptKind kind) {
    return budgetRefusals[kind.ordinal()].sum();
  }

  void begun(AttemptKind kind) {
    attempts[kind.ordinal()].increment();
  }

  void callStarted(Request request) {
    if (listening()) {
      deliver(l -> l.onCallStarted(request));
    }
  }

  void ended(AttemptKind kind, Server server, Outcome outcome, long durationNanos) {
    deliver(l -> l.onAttemptEnded(kind, server, outcome, durationNanos));
  }

  void cancelled(AttemptKind kind, Server server, long durationNanos) {
    deliver(l -> l.onAttemptCancelled(kind, server, durationNanos));
  }

  void budgetRefused(AttemptKind kind) {
    budgetRefusals[kind.ordinal()].increment();
    if (listening()) {
      deliver(l -> l.onBudgetRefused(kind));
    }
  }

  void chooseRefused(NoServerAvailableException.Reason reason) {
    if (listening()) {
      deliver(l -> l.onChooseRefused(reason));
    }
  }

  private void deliver(Consumer<CallListener> event) {
    for (CallListener l : listeners) {
      try {
        event.accept(l);
      } catch (Throwable e) { // an Error too: the call's own bookkeeping must go on
        long unwritten = failures.tryWrite(ticker.read());
        if (unwritten >= 0) { // one line per interval: a broken listener fails every call
          log.error("call listener {} failed ({} more failures since the last line)", l,
              unwritten, e);
        }
      }
    }
  }
}
