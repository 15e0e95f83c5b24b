package io.lbkit.bench.sim;

import io.lbkit.HealthTracker;
import io.lbkit.testing.ManualTicker;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one {@link Variant} through one {@link Scenario} in virtual time and returns what it
 * measured. Drives the real lbkit {@link Selector} and {@link HealthTracker}: each attempt is
 * {@code choose -> tryAcquirePermission -> onStart -> (server) -> onSuccess/onFailure} at the
 * virtual times they happen, with the tracker's ticker moved to each event's time.
 *
 * <p>Several clients ({@link Scenario#clients()}): each is a {@link Side} with its own pool view,
 * tracker, strategy, selector and bound policy, built as the single client is; all share the
 * simulated servers, the event queue and the recorder. Open-loop arrivals form one Poisson stream
 * and each goes to a client drawn uniformly (so each client sees a Poisson stream of rate / K);
 * closed-loop caller {@code c} belongs to client {@code c mod K}.
 *
 * <p>Exactly repeatable: everything random is drawn from streams split off one seed in a fixed
 * order (arrivals, keys, think times, one stream per server, then per client in order the seeds of
 * its tracker, selector and policy, then, with more than one client, the client draws), so one
 * client draws exactly what the single-client simulator always drew. Different variants see the
 * same arrival stream (common random numbers), so their differences come from the balancing, not
 * from luck. One run is single-threaded; separate runs share nothing and may run in parallel.
 */
public final class Simulation {
  /** Load is also counted per bucket of this many seconds, for the over-time charts. */
  public static final double BUCKET_SECONDS = 1.0;

  private final Scenario scenario;
  private final Variant variant;
  private final ManualTicker ticker = new ManualTicker();
  private final EventQueue events = new EventQueue(ticker);
  private final long durationNanos;
  private final SplittableRandom arrivals;
  private final SplittableRandom keyDraws;
  private final SplittableRandom think;
  private final SimServer[] sims;
  private final Server[] servers;
  private final Map<String, SimServer> byId = new HashMap<>();
  private final Side[] sides;
  private final SplittableRandom clientDraws; // which client an arrival belongs to; null for one
  private final Request[] keyRequests;

  private final Recorder recorder;

  public Simulation(Scenario scenario, Variant variant, long seed) {
    this.scenario = scenario;
    this.variant = variant;
    this.durationNanos = (long) (scenario.durationSeconds() * 1e9);
    SplittableRandom master = new SplittableRandom(seed);
    this.arrivals = master.split();
    this.keyDraws = master.split();
    this.think = master.split();
    int n = scenario.servers().size();
    sims = new SimServer[n];
    servers = new Server[n];
    for (int i = 0; i < n; i++) {
      ServerSpec spec = scenario.servers().get(i);
      sims[i] = new SimServer(i, spec, events, master.split());
      servers[i] = Server.builder("10.0." + (i / 250) + "." + (i % 250 + 1), 8080).id(spec.id())
          .zone(zoneOf(i)).build();
      byId.put(spec.id(), sims[i]);
    }
    recorder = new Recorder(n, scenario.durationSeconds(), BUCKET_SECONDS,
        scenario.workload().rateSteps());
    for (SimServer sim : sims) {
      sim.recordTo(recorder);
    }
    Keys keys = scenario.workload().keys();
    keyRequests = keys == null ? null : keyRequests(keys);

    sides = new Side[scenario.clients()];
    for (int c = 0; c < sides.length; c++) {
      sides[c] = new Side(master);
    }
    clientDraws = sides.length > 1 ? master.split() : null;
    events.addLane(SimServer.REFUSE_NANOS);
    events.addLane(SimServer.REJECT_NANOS);
    events.addLane(Policies.DEFAULT_ATTEMPT_TIMEOUT_NANOS);
  }

  /** Two zones, alternating: even indices in {@link Catalog#LOCAL_ZONE}, odd ones in zone-b. */
  static String zoneOf(int index) {
    return index % 2 == 0 ? Catalog.LOCAL_ZONE : "zone-b";
  }

  private static Request[] keyRequests(Keys keys) {
    Request[] r = new Request[keys.count() + 1]; // by rank, 1-based
    for (int k = 1; k <= keys.count(); k++) {
      r[k] = Request.builder().key("key-" + k).idempotent(true).build(); // reads
    }
    return r;
  }

  private List<Server> members(List<Integer> indices) {
    List<Server> out = new ArrayList<>(indices.size());
    for (int i : indices) {
      recorder.member(i);
      out.add(servers[i]);
    }
    return out;
  }

  /**
   * The run's lbkit balancer when it has one client and its policy is the facade (null
   * otherwise), to record it.
   */
  io.lbkit.failover.LoadBalancer balancer() {
    ClientPolicy policy = sides[0].policy;
    return sides.length == 1 && policy instanceof FacadePolicy
        ? ((FacadePolicy) policy).balancer() : null;
  }

  /**
   * Runs {@code action} at the scenario's end, before anything else due then, for a recorder's
   * end mark. Call before {@link #run()}; adds one event, and moves no other.
   */
  void atEnd(Runnable action) {
    events.at(durationNanos, action);
  }

  /** Runs the scenario to its end, lets the requests in flight finish, and reports. */
  public RunResult run() {
    for (Scenario.ServerChange c : scenario.changes()) {
      events.at(nanos(c.atSeconds()), () -> sims[c.server()].setCondition(c.condition()));
    }
    for (Scenario.PoolChange c : scenario.poolChanges()) {
      events.at(nanos(c.atSeconds()), () -> changePool(c.members()));
    }
    long period = variant.tracker().periodNanos();
    if (period > 0 && period < durationNanos) {
      events.at(period, () -> tick(period));
    }
    Workload w = scenario.workload();
    if (w.isOpenLoop()) {
      scheduleArrival();
    } else {
      for (int c = 0; c < w.clients(); c++) {
        Side side = sides[c % sides.length];
        events.at(thinkNanos(), () -> issue(side));
      }
    }
    long processed = events.runAll();
    for (Side side : sides) {
      side.close();
    }
    return recorder.result(scenario, variant, processed, events.now());
  }

  private void changePool(List<Integer> indices) {
    for (int i : indices) {
      if (!recorder.wasMember(i) || !sides[0].pool.snapshot().contains(servers[i])) {
        sims[i].start(); // a server that joins has just been started: cold
      }
    }
    List<Server> members = members(indices);
    for (Side side : sides) {
      side.pool.update(members);
    }
  }

  private void tick(long period) {
    for (Side side : sides) {
      variant.tracker().tick(side.tracker);
    }
    if (events.now() + period < durationNanos) {
      events.after(period, () -> tick(period));
    }
  }

  private void scheduleArrival() {
    double rate = scenario.workload().rateAt(events.now() / 1e9);
    if (rate <= 0) {
      return;
    }
    long gap = Math.max(1L, (long) (-Math.log(1.0 - arrivals.nextDouble()) / rate * 1e9));
    long at = events.now() + gap;
    if (at < durationNanos) {
      events.at(at, () -> {
        issue(clientDraws == null ? sides[0] : sides[clientDraws.nextInt(sides.length)]);
        scheduleArrival();
      });
    }
  }

  private long thinkNanos() {
    double mean = scenario.workload().thinkMillis();
    return mean <= 0 ? 0 : (long) (-Math.log(1.0 - think.nextDouble()) * mean * 1e6);
  }

  private void issue(Side side) {
    Request request = keyRequests == null
        ? Request.IDEMPOTENT // the simulated calls are reads
        : keyRequests[scenario.workload().keys().sample(keyDraws)];
    side.policy.start(new SimCall(side, request, events.now()));
  }

  /** Closes a run's selector, then its tracker if it holds resources (a health monitor). */
  static void close(Selector selector, HealthTracker tracker) {
    selector.close();
    if (tracker instanceof AutoCloseable) {
      try {
        ((AutoCloseable) tracker).close();
      } catch (Exception e) {
        throw new IllegalStateException("tracker " + tracker + " failed to close", e);
      }
    }
  }

  /**
   * One client: its own view of the pool, tracker, strategy, selector and bound policy, seeded in
   * that order from the run's master stream. It sees only its own traffic; ejections it makes
   * are counted per client (two clients ejecting the same server count twice).
   */
  private final class Side {
    final ServerPool pool;
    final HealthTracker tracker;
    final Strategy strategy;
    final Selector selector;
    final ClientPolicy policy;
    final Client client;
    final boolean[] available;

    Side(SplittableRandom master) {
      available = new boolean[sims.length];
      Arrays.fill(available, true);
      pool = ServerPool.of(members(scenario.initialMembers()));
      tracker = variant.tracker().create(pool, ticker, RandomSource.seeded(master.nextLong()));
      strategy = variant.strategy() instanceof SimProbing.Entry // each client probes for itself
          ? ((SimProbing.Entry) variant.strategy())
              .create(new SimProbing(events, byId, durationNanos))
          : variant.strategy().get();
      selector = Selector.builder(pool).strategy(strategy).tracker(tracker)
          .random(RandomSource.seeded(master.nextLong())).build();
      tracker.addChangeListener(this::countEjections);
      client = new Client(events, selector, byId, recorder);
      policy = variant.policy().bind(new RunView(pool, strategy, tracker, selector, ticker,
          RandomSource.seeded(master.nextLong()), events));
    }

    private void countEjections() {
      PoolSnapshot snapshot = pool.snapshot();
      for (int j = 0; j < snapshot.size(); j++) {
        Server s = snapshot.get(j);
        int i = byId.get(s.id()).index();
        boolean now = tracker.isAvailable(s);
        if (available[i] && !now && s.weight() > 0) {
          recorder.ejection(i, events.now());
        }
        available[i] = now;
      }
    }

    void close() {
      Simulation.close(selector, tracker);
    }
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  /** One logical request in flight. */
  private final class SimCall implements ClientPolicy.Call {
    private final Side side;
    private final Request request;
    private final long arrival;
    private boolean finished;

    SimCall(Side side, Request request, long arrival) {
      this.side = side;
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
      return side.selector;
    }

    @Override
    public HealthTracker tracker() {
      return side.tracker;
    }

    @Override
    public ClientPolicy.Attempt attempt(Request req, long timeoutNanos,
        ClientPolicy.AttemptListener listener) {
      return side.client.attempt(req, timeoutNanos, listener);
    }

    @Override
    public CompletableFuture<Void> send(Server server, long timeoutNanos) {
      return side.client.send(server, timeoutNanos);
    }

    @Override
    public void finish(boolean success) {
      if (finished) {
        throw new IllegalStateException("finish: called twice (expected: once per call)");
      }
      finished = true;
      recorder.request(arrival, events.now() - arrival, success);
      if (!scenario.workload().isOpenLoop()) {
        long next = events.now() + thinkNanos();
        if (next < durationNanos) {
          events.at(next, () -> issue(side));
        }
      }
    }
  }
}
