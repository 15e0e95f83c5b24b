package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one run: attempts through lbkit's selector and tracker to the simulated
 * servers ({@link #attempt}), and untracked sends for policies that track themselves ({@link
 * #send}). Event-loop thread only.
 */
final class Client {
  private final EventQueue events;
  private final Selector selector;
  private final HealthTracker tracker;
  private final Map<String, SimServer> byId;
  private final Recorder recorder;

  Client(EventQueue events, Selector selector, HealthTracker tracker, Map<String, SimServer> byId,
      Recorder recorder) {
    this.events = events;
    this.selector = selector;
    this.tracker = tracker;
    this.byId = byId;
    this.recorder = recorder;
  }

  /** See {@link ClientPolicy.Call#attempt}. */
  ClientPolicy.Attempt attempt(Request request, long timeoutNanos,
      ClientPolicy.AttemptListener listener) {
    Server s = choose(request);
    TrackedAttempt a = new TrackedAttempt(s, listener);
    if (s == null) {
      recorder.outcome(Outcome.NO_SERVER);
      a.done = true;
      listener.onDone(null, Outcome.NO_SERVER);
      return a;
    }
    a.start = tracker.onStart(s);
    SimServer sim = byId.get(s.id());
    recorder.sent(sim.index(), events.now());
    sim.receive(a::end);
    if (timeoutNanos > 0) {
      events.after(timeoutNanos, () -> a.end(Outcome.TIMEOUT));
    }
    return a;
  }

  /** Chooses a server whose tracker grants a permission, or null when none can be chosen. */
  private Server choose(Request request) {
    Request r = request;
    for (int tries = 0; tries <= byId.size(); tries++) {
      Server s;
      try {
        s = selector.choose(r);
      } catch (NoServerAvailableException e) {
        return null;
      }
      if (tracker.tryAcquirePermission(s)) {
        return s;
      }
      r = r.excluding(s);
    }
    return null;
  }

  /** See {@link ClientPolicy.Call#send}. */
  CompletableFuture<Void> send(Server server, long timeoutNanos) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    SimServer sim = byId.get(server.id());
    recorder.sent(sim.index(), events.now());
    sim.receive(o -> {
      if (!f.isDone()) {
        recorder.outcome(o);
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

  /** An attempt tracked by lbkit's tracker; the first of answer, timeout or cancel wins. */
  private final class TrackedAttempt implements ClientPolicy.Attempt {
    private final Server server;
    private final ClientPolicy.AttemptListener listener;
    private long start;
    private boolean done;

    TrackedAttempt(Server server, ClientPolicy.AttemptListener listener) {
      this.server = server;
      this.listener = listener;
    }

    @Override
    public Server server() {
      return server;
    }

    void end(Outcome outcome) {
      if (done) {
        return;
      }
      done = true;
      recorder.outcome(outcome);
      if (outcome.isSuccess()) {
        tracker.onSuccess(server, start);
      } else {
        tracker.onFailure(server, start, outcome.error);
      }
      listener.onDone(server, outcome);
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        tracker.onCancel(server, start);
      }
    }
  }
}
