package io.lbkit.bench.sim;

import io.lbkit.Attempt;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one run: attempts through lbkit's selector ({@link Selector#begin}) to the
 * simulated servers ({@link #attempt}), and untracked sends for policies that track themselves
 * ({@link #send}). Event-loop thread only.
 */
final class Client {
  private final EventQueue events;
  private final Selector selector;
  private final Map<String, SimServer> byId;
  private final Recorder recorder;

  Client(EventQueue events, Selector selector, Map<String, SimServer> byId, Recorder recorder) {
    this.events = events;
    this.selector = selector;
    this.byId = byId;
    this.recorder = recorder;
  }

  /** See {@link ClientPolicy.Call#attempt}. */
  ClientPolicy.Attempt attempt(Request request, long timeoutNanos,
      ClientPolicy.AttemptListener listener) {
    Attempt lb = begin(request);
    SimServer sim = lb == null ? null : byId.get(lb.server().id());
    TrackedAttempt a = new TrackedAttempt(lb, sim, listener);
    if (lb == null) {
      recorder.outcome(Outcome.NO_SERVER);
      a.done = true;
      listener.onDone(null, Outcome.NO_SERVER);
      return a;
    }
    recorder.sent(sim.index(), events.now());
    sim.receive(a::end);
    if (timeoutNanos > 0) {
      events.after(timeoutNanos, () -> a.end(Outcome.TIMEOUT));
    }
    return a;
  }

  /** lbkit's attempt for {@code request}, or null when no server can be chosen. */
  private Attempt begin(Request request) {
    try {
      return selector.begin(request);
    } catch (NoServerAvailableException e) {
      return null;
    }
  }

  /** See {@link ClientPolicy.Call#send}. */
  CompletableFuture<Void> send(Server server, long timeoutNanos) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    SimServer sim = byId.get(server.id());
    recorder.sent(sim.index(), events.now());
    sim.receive(o -> {
      if (!f.isDone()) {
        recorder.outcome(o);
        if (o.isServed()) { // untracked: what a tracked attempt would pass on to the tracker
          selector.tracker().onLoadReport(server, sim.loadReport());
        }
        if (o.isSuccess()) {
          f.complete(null);
        } else {
          f.completeExceptionally(o.error);
        }
      }
    });
    if (timeoutNanos > 0) {
      events.after(timeoutNanos, () -> {
        if (!f.isDone()) {
          recorder.outcome(Outcome.TIMEOUT);
          f.completeExceptionally(Outcome.TIMEOUT.error);
        }
      });
    }
    return f;
  }

  /** An attempt tracked by lbkit's attempt; the first of answer, timeout or cancel wins. */
  private final class TrackedAttempt implements ClientPolicy.Attempt {
    private final Attempt lb; // null when no server could be chosen
    private final SimServer sim;
    private final ClientPolicy.AttemptListener listener;
    private boolean done;

    TrackedAttempt(Attempt lb, SimServer sim, ClientPolicy.AttemptListener listener) {
      this.lb = lb;
      this.sim = sim;
      this.listener = listener;
    }

    @Override
    public Server server() {
      return lb == null ? null : lb.server();
    }

    void end(Outcome outcome) {
      if (done) {
        return;
      }
      done = true;
      recorder.outcome(outcome);
      if (outcome.isServed()) { // a served answer carries the server's load report (ORCA)
        lb.report(sim.loadReport());
      }
      if (outcome.isSuccess()) {
        lb.success();
      } else {
        lb.failure(outcome.error);
      }
      listener.onDone(lb.server(), outcome);
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        lb.cancel();
      }
    }
  }
}
