package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.failover.CallRecording;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RecordedEvent;
import io.lbkit.testing.ManualTicker;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Runs the calls of a {@link CallRecording} again, in virtual time, through one {@link Variant}
 * (strategy, tracker, lbkit failover mode): the recorded arrivals with their requests, the
 * recorded pool changes at their times, and servers that answer as they did in the recording
 * ({@link RecordedServers}). What differs is what the variant chooses, retries and hedges.
 *
 * <p>Exactly repeatable, and faithful: the run is built as {@link Simulation} builds one (the
 * same order of random draws from the seed, the same tracker and health ticks, the same facade
 * on the same event queue), so a recorded simulator run replayed with its own variant and seed
 * makes the same picks, attempt for attempt: the replayed run records to the same file. Answers
 * that end on the same nanosecond (a dying server resets its calls at once) end in the order the
 * recording wrote them. It holds while the recording names as many servers as the scenario has
 * (every server was a member at some time); every preset scenario under every variant of its
 * plan replays to an identical recording, and ReplayTest pins a few.
 *
 * <p>Health ticks run every period up to {@link Options#durationNanos}, by default the
 * recording's end mark. One run is single-threaded.
 */
public final class Replay {
  private static final long SAMPLER_SALT = 0x9E3779B97F4A7C15L;

  /**
   * How to replay.
   *
   * @param seed the run's seed (as {@link Simulation}'s)
   * @param attemptTimeoutNanos how long an attempt waits for an answer (the simulator's 1 s)
   * @param windowNanos how far from an attempt's time a recorded answer may be drawn from
   * @param durationNanos how long health ticks run; -1 for the recording's end
   */
  public record Options(long seed, long attemptTimeoutNanos, long windowNanos,
      long durationNanos) {
    public static final long DEFAULT_WINDOW_NANOS = 1_000_000_000L;

    public Options {
      if (attemptTimeoutNanos <= 0) {
        throw new IllegalArgumentException("attemptTimeoutNanos: " + attemptTimeoutNanos
            + " (expected: > 0)");
      }
      if (windowNanos < 0) {
        throw new IllegalArgumentException("windowNanos: " + windowNanos + " (expected: >= 0)");
      }
      if (durationNanos < -1) {
        throw new IllegalArgumentException("durationNanos: " + durationNanos
            + " (expected: >= 0, or -1 for the recording's end)");
      }
    }

    /** Seed {@code seed}, the simulator's attempt timeout, a 1 s window, the recording's end. */
    public static Options seed(long seed) {
      return new Options(seed, Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS, DEFAULT_WINDOW_NANOS, -1);
    }
  }

  private final CallRecording recording;
  private final Variant variant;
  private final Options options;
  private final long durationNanos;
  private final ManualTicker ticker = new ManualTicker();
  private final EventQueue events = new EventQueue(ticker);
  private final Server[] servers;
  private final Map<Server, Integer> indices = new IdentityHashMap<>();
  private final ServerPool pool;
  private final HealthTracker tracker;
  private final Selector selector;
  private final ClientPolicy policy;
  private final RecordedServers answers;
  private final Recorder recorder;
  private final Scenario scenario;
  private final boolean[] available;
  private final List<RecordedEvent.CallStarted> calls = new ArrayList<>();
  private final List<RecordedEvent.PoolChanged> poolChanges = new ArrayList<>();
  private long[] pickTimes = new long[1024];
  private int[] pickServers = new int[1024];
  private int picks;
  private long[] attemptLatencies = new long[1024];
  private int attempts;
  private long attemptSuccesses;
  private int nextCall;
  private final Map<Long, TreeMap<Integer, Runnable>> slots = new HashMap<>();

  public Replay(CallRecording recording, Variant variant, Options options) {
    this.recording = recording;
    this.variant = variant;
    this.options = options;
    this.durationNanos = options.durationNanos() >= 0 ? options.durationNanos()
        : recording.endNanos();
    for (RecordedEvent e : recording.events()) {
      if (e instanceof RecordedEvent.CallStarted c) {
        calls.add(c);
      } else if (e instanceof RecordedEvent.PoolChanged p) {
        poolChanges.add(p);
      }
    }
    if (poolChanges.isEmpty()) {
      throw new IllegalArgumentException("recording: no pool change (expected: the pool as "
          + "recording began, first)");
    }
    int n = recording.servers().size();
    servers = recording.servers().toArray(new Server[0]);
    for (int i = 0; i < n; i++) {
      indices.put(servers[i], i);
    }
    scenario = scenarioOf(recording, durationNanos);
    recorder = new Recorder(n, scenario.durationSeconds(), Simulation.BUCKET_SECONDS);
    available = new boolean[n];
    Arrays.fill(available, true);

    // The draws in Simulation's order: arrivals, keys, think, one stream per server (unused
    // here), then the tracker's, the selector's and the policy's seeds.
    SplittableRandom master = new SplittableRandom(options.seed());
    for (int i = 0; i < 3 + n; i++) {
      master.split();
    }
    pool = ServerPool.of(members(poolChanges.get(0).members()));
    tracker = variant.tracker().create(pool, ticker, RandomSource.seeded(master.nextLong()));
    Strategy strategy = variant.strategy().get();
    selector = Selector.builder(pool).strategy(strategy).tracker(tracker)
        .random(RandomSource.seeded(master.nextLong())).build();
    tracker.addChangeListener(this::countEjections);
    policy = variant.policy().bind(new RunView(pool, strategy, tracker, selector, ticker,
        RandomSource.seeded(master.nextLong()), events));
    answers = new RecordedServers(recording, options.windowNanos(),
        new SplittableRandom(options.seed() ^ SAMPLER_SALT));
    events.addLane(options.attemptTimeoutNanos());
  }

  /** Servers as specs (their service times unused), the recorded span as the duration. */
  private static Scenario scenarioOf(CallRecording recording, long durationNanos) {
    Scenario.Builder b = Scenario.builder(0, "replay", "Replay of a recording")
        .description(recording.toString()).workload(Workload.openLoop(1))
        .durationSeconds(Math.max(durationNanos, 1) / 1e9);
    for (Server s : recording.servers()) {
      b.server(ServerSpec.of(s.id(), ServiceTime.constant(1)));
    }
    return b.build();
  }

  private List<Server> members(List<Integer> indices) {
    List<Server> out = new ArrayList<>(indices.size());
    for (int i : indices) {
      recorder.member(i);
      out.add(servers[i]);
    }
    return out;
  }

  /** The replay's lbkit balancer when the policy is the facade (null otherwise), to record it. */
  LoadBalancer balancer() {
    return policy instanceof FacadePolicy ? ((FacadePolicy) policy).balancer() : null;
  }

  /** As {@link Simulation#atEnd}. */
  void atEnd(Runnable action) {
    events.at(durationNanos, action);
  }

  /** Replays every recorded call, lets the calls in flight finish, and reports. */
  public ReplayResult run() {
    // Scheduled in Simulation's order: pool changes, the first health tick, the first arrival.
    for (RecordedEvent.PoolChanged c : poolChanges.subList(1, poolChanges.size())) {
      events.at(c.timeNanos(), () -> pool.update(members(c.members())));
    }
    long period = variant.tracker().periodNanos();
    if (period > 0 && period < durationNanos) {
      events.at(period, () -> tick(period));
    }
    scheduleNextCall();
    long processed = events.runAll();
    Simulation.close(selector, tracker);
    long[] latencies = Arrays.copyOf(attemptLatencies, attempts);
    Arrays.sort(latencies);
    return new ReplayResult(recorder.result(scenario, variant, processed, events.now()),
        Arrays.copyOf(pickTimes, picks), Arrays.copyOf(pickServers, picks), latencies,
        attemptSuccesses, answers);
  }

  private void tick(long period) {
    variant.tracker().tick(tracker);
    if (events.now() + period < durationNanos) {
      events.after(period, () -> tick(period));
    }
  }

  /** One arrival at a time, each scheduled by the one before, as the simulator's open loop. */
  private void scheduleNextCall() {
    if (nextCall == calls.size()) {
      return;
    }
    RecordedEvent.CallStarted c = calls.get(nextCall++);
    events.at(Math.max(c.timeNanos(), events.now()), () -> {
      policy.start(new ReplayCall(c.request(), events.now()));
      scheduleNextCall();
    });
  }

  private void countEjections() {
    PoolSnapshot snapshot = pool.snapshot();
    for (int j = 0; j < snapshot.size(); j++) {
      Server s = snapshot.get(j);
      int i = indexOf(s);
      boolean now = tracker.isAvailable(s);
      if (i >= 0 && available[i] && !now && s.weight() > 0) {
        recorder.ejection(i, events.now());
      }
      if (i >= 0) {
        available[i] = now;
      }
    }
  }

  private int indexOf(Server s) {
    Integer i = indices.get(s);
    return i == null ? -1 : i;
  }

  /** One untracked send: the recorded answer, or the timeout, whichever is first. */
  private CompletableFuture<Void> send(Server server, long policyTimeoutNanos) {
    int index = indexOf(server);
    if (index < 0) {
      throw new IllegalStateException("send: " + server + " (expected: a server of the "
          + "recording)");
    }
    long now = events.now();
    recordPick(now, index);
    recorder.sent(index, now);
    CompletableFuture<Void> f = new CompletableFuture<>();
    RecordedServers.Sample s = answers.exact(index, now);
    boolean exact = s != null;
    if (!exact) {
      s = answers.drawn(index, now);
    }
    RecordedServers.Sample answer = s;
    if (answer.outcome() != null) {
      Runnable reply = () -> {
        if (!f.isDone()) {
          attemptEnded(now, answer.outcome());
          switch (answer.outcome()) {
            case SUCCESS:
              f.complete(null);
              break;
            case NOT_SENT:
              f.completeExceptionally(NotSent.INSTANCE);
              break;
            case TIMEOUT:
              f.completeExceptionally(TimedOut.INSTANCE);
              break;
            default:
              f.completeExceptionally(Outcome.ERROR.error);
          }
        }
      };
      if (exact) {
        inRecordedOrder(now + answer.durationNanos(), answer.order(), reply);
      } else {
        events.after(answer.durationNanos(), reply);
      }
    }
    events.after(options.attemptTimeoutNanos(), () -> {
      if (!f.isDone()) {
        attemptEnded(now, null);
        f.completeExceptionally(Outcome.TIMEOUT.error);
      }
    });
    return f;
  }

  /**
   * Runs {@code reply} at {@code atNanos}, after the replies due then that the recording ended
   * earlier: answers that ended on the same nanosecond (a server dying resets its calls all at
   * once) end in the recorded order, which is not the order they were sent in.
   */
  private void inRecordedOrder(long atNanos, int order, Runnable reply) {
    TreeMap<Integer, Runnable> due = slots.get(atNanos);
    if (due == null) {
      TreeMap<Integer, Runnable> batch = new TreeMap<>();
      slots.put(atNanos, batch);
      events.at(atNanos, () -> {
        slots.remove(atNanos);
        batch.values().forEach(Runnable::run);
      });
      due = batch;
    }
    due.put(order, reply);
  }

  /** {@code outcome} null: the replay's own timeout. */
  private void attemptEnded(long startNanos, io.lbkit.failover.Outcome outcome) {
    recorder.outcome(outcome == null ? Outcome.TIMEOUT : switch (outcome) {
      case SUCCESS -> Outcome.OK;
      case NOT_SENT -> Outcome.REFUSED;
      case TIMEOUT -> Outcome.TIMEOUT;
      default -> Outcome.ERROR;
    });
    if (attempts == attemptLatencies.length) {
      attemptLatencies = Arrays.copyOf(attemptLatencies, attempts * 2);
    }
    attemptLatencies[attempts++] = events.now() - startNanos;
    if (outcome != null && outcome.isSuccess()) {
      attemptSuccesses++;
    }
  }

  private void recordPick(long now, int server) {
    if (picks == pickTimes.length) {
      pickTimes = Arrays.copyOf(pickTimes, picks * 2);
      pickServers = Arrays.copyOf(pickServers, picks * 2);
    }
    pickTimes[picks] = now;
    pickServers[picks++] = server;
  }

  @Override
  public String toString() {
    return "Replay{" + recording + ", " + variant.label() + ", seed " + options.seed() + '}';
  }

  /** A replayed call, as a policy sees it. */
  private final class ReplayCall implements ClientPolicy.Call {
    private final Request request;
    private final long arrival;
    private boolean finished;

    ReplayCall(Request request, long arrival) {
      this.request = request;
      this.arrival = arrival;
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public long now() {
      return events.now();
    }

    @Override
    public void after(long delayNanos, Runnable action) {
      events.after(delayNanos, action);
    }

    @Override
    public Selector selector() {
      return selector;
    }

    @Override
    public HealthTracker tracker() {
      return tracker;
    }

    @Override
    public ClientPolicy.Attempt attempt(Request req, long timeoutNanos,
        ClientPolicy.AttemptListener listener) {
      throw new UnsupportedOperationException("attempt: the replay runs lbkit's LoadBalancer "
          + "policies only (expected: a Catalog policy, which sends)");
    }

    @Override
    public CompletableFuture<Void> send(Server server, long timeoutNanos) {
      return Replay.this.send(server, timeoutNanos);
    }

    @Override
    public void finish(boolean success) {
      if (finished) {
        throw new IllegalStateException("finish: called twice (expected: once per call)");
      }
      finished = true;
      recorder.request(arrival, events.now() - arrival, success);
    }
  }

  /** A recorded NOT_SENT, as the default classifier reads it: refused, never left. */
  private static final class NotSent extends ConnectException {
    private static final long serialVersionUID = 1L;
    static final NotSent INSTANCE = new NotSent();

    NotSent() {
      super("replayed: not sent");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** A recorded TIMEOUT, as the default classifier reads it. */
  private static final class TimedOut extends TimeoutException {
    private static final long serialVersionUID = 1L;
    static final TimedOut INSTANCE = new TimedOut();

    TimedOut() {
      super("replayed: timed out");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
