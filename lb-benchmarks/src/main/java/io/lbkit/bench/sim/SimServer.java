package io.lbkit.bench.sim;

import io.lbkit.LoadReport;
import io.lbkit.server.LoadReporter;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One simulated server at run time: {@code capacity} service slots with a FIFO queue in front,
 * its current {@link Condition}, and its own random stream for service times and errors.
 *
 * <p>Dead: new connections are refused after {@link #REFUSE_NANOS}; calls queued or in service when
 * it dies are reset at once. Coming back up is a restart, so the warm-up starts again. Runs on the
 * event loop only.
 *
 * <p>Its load, as a real server would report it, is kept by lb-server's {@link LoadReporter} on
 * the virtual clock: every call it accepts (served or queued) is one in flight until it ends, so
 * probes ({@link SimProbing}) read the same figures a server running lb-server would answer.
 *
 * <p>Its load reports ({@link #loadReport}), as an ORCA server sends with each response, come
 * from the same reporter: utilization, calls and errors per second over its sliding window.
 */
final class SimServer {
  /** A refused connection costs one round trip to the RST. */
  static final long REFUSE_NANOS = 1_000_000L;
  /** An overload rejection costs a round trip too. */
  static final long REJECT_NANOS = 1_000_000L;
  private static final long WARM = Long.MIN_VALUE / 4;

  private final int index;
  private final ServerSpec spec;
  private final EventQueue events;
  private final SplittableRandom random;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final LinkedHashSet<Job> inService = new LinkedHashSet<>();
  private final LoadReporter load;
  private Condition condition = Condition.UP;
  private long startedAt = WARM;
  private Recorder recorder; // null: calls at the server are not recorded

  SimServer(int index, ServerSpec spec, EventQueue events, SplittableRandom random) {
    this.index = index;
    this.spec = spec;
    this.events = events;
    this.random = random;
    this.load = LoadReporter.builder().clock(events::now).capacity(spec.capacity()).build();
  }

  /** {@return the load this server reports: in flight, utilization, latency at each RIF} */
  LoadReporter load() {
    return load;
  }

  /** {@return whether it is down (refusing connections)} */
  boolean isDead() {
    return condition.dead();
  }

  int index() {
    return index;
  }

  ServerSpec spec() {
    return spec;
  }

  /** From now on, every change of the calls held here (in service and queued) goes to {@code r}. */
  void recordTo(Recorder r) {
    this.recorder = r;
  }

  /** Calls held now: in service and queued. */
  int calls() {
    return inService.size() + queue.size();
  }

  private void callsChanged() {
    if (recorder != null) {
      recorder.depth(index, events.now(), calls());
    }
  }

  /** The server process starts now: cold, so the warm-up applies from here. */
  void start() {
    startedAt = events.now();
  }

  void setCondition(Condition next) {
    boolean wasDead = condition.dead();
    condition = next;
    if (next.dead() && !wasDead) {
      resetAll();
    } else if (!next.dead() && wasDead) {
      start();
    }
  }

  /** A call arrives; {@code reply} gets its outcome once, at the virtual time it ends. */
  void receive(Consumer<Outcome> reply) {
    if (condition.dead()) {
      events.after(REFUSE_NANOS, () -> reply.accept(Outcome.REFUSED));
    } else if (inService.size() < spec.capacity()) {
      serve(new Job(reply, load.begin()));
      callsChanged();
    } else if (queue.size() < spec.queueLimit()) {
      queue.add(new Job(reply, load.begin()));
      callsChanged();
    } else {
      events.after(REJECT_NANOS, () -> reply.accept(Outcome.OVERLOADED));
    }
  }

  private void serve(Job job) {
    inService.add(job);
    double factor = condition.slowFactor() * spec.warmupMultiplier(events.now() - startedAt);
    long nanos = Math.max(1L, (long) (spec.service().sampleNanos(random) * factor));
    events.after(nanos, () -> finish(job));
  }

  private void finish(Job job) {
    if (!inService.remove(job)) {
      return; // reset when the server died
    }
    boolean error = condition.errorRate() > 0 && random.nextDouble() < condition.errorRate();
    job.call.end(error);
    job.reply.accept(error ? Outcome.ERROR : Outcome.OK);
    Job next = queue.poll();
    if (next != null) {
      serve(next);
    }
    callsChanged();
  }

  /** {@return what this server reports about its load now, as lb-server's filter writes it} */
  LoadReport loadReport() {
    return LoadReport.of(load.utilization(), load.requestsPerSecond(), load.errorsPerSecond());
  }

  private void resetAll() {
    for (Job job : inService) {
      job.call.end(true);
      events.after(0, () -> job.reply.accept(Outcome.RESET));
    }
    inService.clear();
    for (Job job : queue) {
      job.call.end(true);
      events.after(0, () -> job.reply.accept(Outcome.RESET));
    }
    queue.clear();
    callsChanged();
  }

  private static final class Job {
    final Consumer<Outcome> reply;
    final LoadReporter.Call call;

    Job(Consumer<Outcome> reply, LoadReporter.Call call) {
      this.reply = reply;
      this.call = call;
    }
  }
}
