package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Explanation;
import io.lbkit.Explanation.Status;
import io.lbkit.Fleet;
import io.lbkit.HealthTracker;
import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.PoolSnapshot;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.ServerStats;
import io.lbkit.Strategy;
import io.lbkit.Ticker;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.ServerMetrics;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code explain} names the pick {@code choose} makes, for every strategy, and leaves the picks
 * as they were: a selector that explains before every pick picks exactly as its twin that never
 * explains, and each explanation's server is the pick that follows it.
 */
class ExplainTest {
  private static final List<Server> SERVERS = List.of(
      Server.builder("10.0.0.1", 80).weight(3).zone("eu-1").build(),
      Server.builder("10.0.0.2", 80).weight(1).zone("eu-1").build(),
      Server.builder("10.0.0.3", 80).weight(2).zone("eu-1").build(),
      Server.builder("10.0.0.4", 80).weight(5).zone("eu-2").build(),
      Server.builder("10.0.0.5", 80).weight(1).zone("eu-2").build(),
      Server.builder("10.0.0.6", 80).weight(4).zone("eu-1").build(),
      Server.builder("10.0.0.7", 80).weight(2).zone("eu-2").build(),
      Server.builder("10.0.0.8", 80).weight(1).zone("eu-1").build());
  /** Slow-start factors for the ramping runs: three servers warming up. */
  private static final double[] RAMP = {0.3, 1, 1, 0.5, 1, 1, 0.1, 1};

  static Stream<Arguments> strategies() {
    return Stream.of(
        Arguments.of("roundRobin", Strategies.roundRobin()),
        Arguments.of("random", Strategies.random()),
        Arguments.of("weightedRoundRobin", Strategies.weightedRoundRobin()),
        Arguments.of("weightedRandom", Strategies.weightedRandom()),
        Arguments.of("leastConnections", Strategies.leastConnections()),
        Arguments.of("leastConnections(P2C)", Strategies.leastConnections(0)),
        Arguments.of("weightedLeastConnections", Strategies.weightedLeastConnections()),
        Arguments.of("weightedLeastConnections(P2C)",
            Strategies.weightedLeastConnections(2.0, 0)),
        Arguments.of("powerOfTwoChoices", Strategies.powerOfTwoChoices()),
        Arguments.of("peakEwma", Strategies.peakEwma()),
        Arguments.of("orcaWeightedRoundRobin", Strategies.orcaWeightedRoundRobin()),
        Arguments.of("hash", Strategies.hash()),
        Arguments.of("consistentHash", Strategies.consistentHash()),
        Arguments.of("consistentHash(boundedLoad)", Strategies.consistentHash(
            ConsistentHashConfig.builder().boundedLoad(1.25).build())),
        Arguments.of("maglev", Strategies.maglev(251)),
        Arguments.of("rendezvous", Strategies.rendezvous()),
        Arguments.of("zoneAware(roundRobin)",
            Strategies.zoneAware("eu-1", Strategies.roundRobin())),
        Arguments.of("zoneAware(powerOfTwoChoices)",
            Strategies.zoneAware("eu-1", Strategies.powerOfTwoChoices())),
        Arguments.of("zoneAware(spillover, powerOfTwoChoices)", Strategies.zoneAware(
            ZoneAwareConfig.builder("eu-1").spillover(ZoneSpillover.of(
                new ManualScheduler(new ManualTicker()))).build(),
            Strategies.powerOfTwoChoices())),
        Arguments.of("subset(random)", Strategies.subset(4, "client-7", Strategies.random())),
        Arguments.of("subset(fleet, weightedRandom)",
            Strategies.subset(3, Fleet.fixed(1, 3), Strategies.weightedRandom())),
        Arguments.of("subset(fleet, leastConnections)",
            Strategies.subset(3, Fleet.fixed(2, 3), Strategies.leastConnections())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void explainedPickIsTheNextPick(String name, Strategy strategy) {
    agreeOverManyPicks(strategy, null);
  }

  @ParameterizedTest(name = "{0}, ramping")
  @MethodSource("strategies")
  void explainedPickIsTheNextPickWhileServersRamp(String name, Strategy strategy) {
    agreeOverManyPicks(strategy, RAMP);
  }

  /**
   * 600 picks with keys, no keys and exclusions, calls starting and ending on the chosen servers
   * (so load-aware strategies see changing figures) and the clock moving: at every step the
   * explanation names the pick that follows, and the explaining selector's picks equal those of
   * a twin that never explains.
   */
  private static void agreeOverManyPicks(Strategy strategy, double[] ramp) {
    Twin explained = new Twin(strategy, ramp);
    Twin plain = new Twin(strategy, ramp);
    int exact = 0;
    for (int k = 0; k < 600; k++) {
      Request request = request(k);
      Explanation e = explained.selector.explain(request);
      Server picked = explained.pick(request, k);
      assertThat(plain.pick(request, k)).as("pick %d, undisturbed by explain", k)
          .isEqualTo(picked);
      assertThat(e.chosen()).as("pick %d: %s", k, e).isEqualTo(picked);
      assertThat(e.entry(picked).status()).isEqualTo(Status.CHOSEN);
      exact += e.isExact() ? 1 : 0;
    }
    assertThat(exact).isEqualTo(600);
  }

  private static Request request(int k) {
    Request r = k % 3 == 0 ? Request.withKey("user-" + (k % 17)) : Request.NONE;
    if (k % 5 == 0) {
      r = r.excluding(SERVERS.get(k % SERVERS.size()));
    }
    if (k % 11 == 0) {
      r = r.excluding(SERVERS.get(0)).excluding(SERVERS.get(5)).excluding(SERVERS.get(3));
    }
    return r;
  }

  /** A selector with its own ticker and tracker, driven the same way as its twin. */
  private static final class Twin {
    final ManualTicker ticker = new ManualTicker();
    final LoadTracker load = LoadTracker.create(ticker);
    final Selector selector;
    final List<long[]> open = new ArrayList<>();
    final List<Server> openOn = new ArrayList<>();

    Twin(Strategy strategy, double[] ramp) {
      HealthTracker tracker = ramp == null ? load : new Ramping(load, ramp);
      selector = Selector.builder(ServerPool.of(SERVERS)).strategy(strategy).tracker(tracker)
          .random(RandomSource.seeded(77)).build();
    }

    /** Picks, starts a call on the pick, and ends the oldest call every third step. */
    Server pick(Request request, int k) {
      Server s = selector.choose(request);
      openOn.add(s);
      open.add(new long[] {load.onStart(s)});
      if (k % 3 == 2) {
        ticker.advance(Duration.ofMillis(3 + k % 7));
        load.onSuccess(openOn.remove(0), open.remove(0)[0]);
      }
      return s;
    }
  }

  @Test
  void roundRobinIsExactEvenOnTheThreadLocalSource() {
    ServerPool pool = ServerPool.of(SERVERS);
    Selector rr = Strategies.roundRobin().newSelector(pool);
    for (int k = 0; k < 20; k++) {
      Explanation e = rr.explain(Request.NONE);
      assertThat(e.isExact()).isTrue();
      assertThat(rr.choose()).isEqualTo(e.chosen());
    }
    Explanation random = Strategies.random().newSelector(pool).explain(Request.NONE);
    assertThat(random.isExact()).isFalse();
    assertThat(random.toString()).contains("(one likely pick)");
  }

  @Test
  void namesTheServersARequestExcludes() {
    Selector s = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(SERVERS), 3);
    Explanation e = s.explain(Request.NONE.excluding(SERVERS.get(1)).excluding(SERVERS.get(4)));
    assertThat(e.entry(SERVERS.get(1)).status()).isEqualTo(Status.EXCLUDED_BY_REQUEST);
    assertThat(e.entry(SERVERS.get(4)).reason()).startsWith("excluded by the request");
    assertThat(e.entries()).filteredOn(x -> x.status() == Status.CANDIDATE).hasSize(5);
  }

  @Test
  void leastConnectionsScoresAreInFlightCounts() {
    LoadTracker tracker = LoadTracker.create(new ManualTicker());
    Selector s = Fixtures.selector(Strategies.leastConnections(), ServerPool.of(SERVERS),
        tracker, 5);
    for (Server server : SERVERS) {
      if (!server.equals(SERVERS.get(6))) {
        tracker.onStart(server);
      }
    }
    tracker.onStart(SERVERS.get(2));
    Explanation e = s.explain(Request.NONE);
    assertThat(e.chosen()).isEqualTo(SERVERS.get(6));
    assertThat(e.entry(SERVERS.get(6)).score()).isEqualTo("in-flight 0");
    assertThat(e.entry(SERVERS.get(2)).score()).isEqualTo("in-flight 2");
    assertThat(e.notes()).contains("exact scan: the lowest cost, a tie to a random one");
  }

  @Test
  void weightedScoresShowWeightTimesRamp() {
    Selector s = Selector.builder(ServerPool.of(SERVERS)).strategy(Strategies.weightedRandom())
        .tracker(new Ramping(LoadTracker.create(new ManualTicker()), RAMP))
        .random(RandomSource.seeded(9)).build();
    Explanation e = s.explain(Request.NONE);
    // effective weights 0.9 1 2 2.5 1 4 0.2 1 = 12.6; the first server's share 0.9 / 12.6
    assertThat(e.entry(SERVERS.get(0)).score())
        .isEqualTo("weight 3 x ramp 0.300 = 0.900, share 0.071");
    assertThat(e.entry(SERVERS.get(0)).ramp()).isEqualTo(0.3);
    assertThat(e.entry(SERVERS.get(3)).toString()).contains("ramp 0.500");
  }

  @Test
  void keyedStrategiesNameTheKeysOwner() {
    Request key = Request.withKey("user-42");
    for (Strategy strategy : List.of(Strategies.hash(), Strategies.consistentHash(),
        Strategies.maglev(251))) {
      Selector s = Fixtures.selector(strategy, ServerPool.of(SERVERS), 1);
      Explanation e = s.explain(key);
      assertThat(e.entry(e.chosen()).score()).as("%s", strategy).contains("owner of the key");
      assertThat(e.entries()).filteredOn(x -> x.score().contains("owner")).hasSize(1);
      assertThat(s.choose(key)).isEqualTo(e.chosen());
    }
    Explanation noKey = Fixtures.selector(Strategies.hash(), ServerPool.of(SERVERS), 1)
        .explain(Request.NONE);
    assertThat(noKey.notes()).anyMatch(n -> n.startsWith("no key"));
  }

  @Test
  void zoneAwareNamesTheOtherZone() {
    Selector s = Fixtures.selector(Strategies.zoneAware("eu-1", Strategies.roundRobin()),
        ServerPool.of(SERVERS), 2);
    Explanation e = s.explain(Request.NONE);
    assertThat(e.entry(SERVERS.get(3)).status()).isEqualTo(Status.LEFT_OUT);
    assertThat(e.entry(SERVERS.get(3)).reason())
        .isEqualTo("another zone (eu-2): the local zone has enough servers");
    assertThat(e.entry(SERVERS.get(0)).status()).isIn(Status.CHOSEN, Status.CANDIDATE);
    // every local server tried: the pick goes to the other zone, and nothing is left out
    Request triedLocal = Request.NONE;
    for (Server server : SERVERS) {
      if (server.zone().equals("eu-1")) {
        triedLocal = triedLocal.excluding(server);
      }
    }
    Explanation fallback = s.explain(triedLocal);
    assertThat(fallback.chosen().zone()).isEqualTo("eu-2");
    assertThat(fallback.entries()).noneMatch(x -> x.status() == Status.LEFT_OUT);
    assertThat(fallback.notes()).contains(
        "the request excludes every local server: every zone is used");
  }

  @Test
  void subsetNamesTheServersOutsideIt() {
    Selector s = Fixtures.selector(Strategies.subset(3, "client-1", Strategies.random()),
        ServerPool.of(SERVERS), 4);
    Explanation e = s.explain(Request.NONE);
    assertThat(e.entries()).filteredOn(x -> x.status() == Status.LEFT_OUT).hasSize(5)
        .allMatch(x -> x.reason().equals("outside this client's subset of 3"));
    Selector aperture = Fixtures.selector(Strategies.subset(3, Fleet.fixed(0, 4),
        Strategies.weightedRandom()), ServerPool.of(SERVERS), 4);
    Explanation a = aperture.explain(Request.NONE);
    assertThat(a.entries()).filteredOn(x -> x.status() == Status.LEFT_OUT)
        .allMatch(x -> x.reason().equals("outside this client's aperture window"))
        .isNotEmpty();
  }

  @Test
  void nothingToChooseGivesTheRefusalChooseThrows() {
    Selector empty = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(List.of()), 8);
    Explanation e = empty.explain(Request.NONE);
    assertThat(e.chosen()).isNull();
    assertThat(e.refusal().reason()).isEqualTo(NoServerAvailableException.Reason.EMPTY_POOL);
    assertThat(e.entries()).isEmpty();
    Selector rr = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(SERVERS), 8);
    Request all = Request.NONE;
    for (Server server : SERVERS) {
      all = all.excluding(server);
    }
    Explanation excluded = rr.explain(all);
    assertThat(excluded.refusal().reason())
        .isEqualTo(NoServerAvailableException.Reason.ALL_EXCLUDED);
    assertThat(excluded.entries()).allMatch(x -> x.status() == Status.EXCLUDED_BY_REQUEST);
    assertThat(excluded.toString()).contains("chooses none: ALL_EXCLUDED");
  }

  @Test
  void drainedServersAreUnavailableWithTheirReason() {
    List<Server> servers = new ArrayList<>(SERVERS);
    servers.set(2, Server.builder("10.0.0.3", 80).weight(0).zone("eu-1").build());
    Selector s = Fixtures.selector(Strategies.roundRobin(), ServerPool.of(servers), 6);
    Explanation e = s.explain(Request.NONE);
    assertThat(e.entry(servers.get(2)).status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(e.entry(servers.get(2)).reason()).isEqualTo("drained (weight 0)");
  }

  /** A tracker that ramps servers by fixed factors, so the ramping code paths run. */
  private static final class Ramping implements HealthTracker {
    private final LoadTracker load;
    private final double[] ramp;

    Ramping(LoadTracker load, double[] ramp) {
      this.load = load;
      this.ramp = ramp;
    }

    @Override
    public Candidates candidates(PoolSnapshot pool, RandomSource random) {
      Server[] s = pool.servers().toArray(new Server[0]);
      ServerMetrics[] m = new ServerMetrics[s.length];
      for (int i = 0; i < s.length; i++) {
        m[i] = load.metrics(s[i]);
      }
      return Candidates.of(pool, s, m, ramp, null, random, load.ticker());
    }

    @Override
    public long onStart(Server server) {
      return load.onStart(server);
    }

    @Override
    public void onSuccess(Server server, long startNanos, Permit permit) {
      load.onSuccess(server, startNanos, permit);
    }

    @Override
    public void onFailure(Server server, long startNanos, Permit permit, Throwable error) {
      load.onFailure(server, startNanos, permit, error);
    }

    @Override
    public void onCancel(Server server, long startNanos, Permit permit) {
      load.onCancel(server, startNanos, permit);
    }

    @Override
    public boolean isAvailable(Server server) {
      return true;
    }

    @Override
    public ServerStats stats(Server server) {
      return load.stats(server);
    }

    @Override
    public Ticker ticker() {
      return load.ticker();
    }

    @Override
    public ServerMetrics metrics(Server server) {
      return load.metrics(server);
    }

    @Override
    public void addChangeListener(Runnable listener) {}

    @Override
    public void removeChangeListener(Runnable listener) {}
  }
}
