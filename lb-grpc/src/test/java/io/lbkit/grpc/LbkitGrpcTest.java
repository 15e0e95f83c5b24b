package io.lbkit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lbkit.ServerState;
import io.lbkit.ServerStats;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.health.HealthConfig;
import io.lbkit.health.SlowStart;
import io.lbkit.strategy.OrcaWrrConfig;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The resolver and the policy together, on real Netty servers and channels over loopback. */
@Timeout(60)
class LbkitGrpcTest {
  private final EchoServers servers = new EchoServers();

  @AfterEach
  void close() throws InterruptedException {
    servers.close();
  }

  /** Calls until {@code name} answers {@code streak} times in a row; bounded. */
  private static void callUntil(ManagedChannel ch, String name, int streak) {
    int run = 0;
    for (int i = 0; i < 2000 && run < streak; i++) {
      run = EchoServers.call(ch, "ok").equals(name) ? run + 1 : 0;
    }
    assertThat(run).as("%s answered %d calls in a row", name, streak).isEqualTo(streak);
  }

  @Test
  void followsTheSourceAServerAddedGetsCallsAndOneRemovedNoMore() throws Exception {
    EchoServers.Backend a = servers.start("a");
    EchoServers.Backend b = servers.start("b");
    ManualSource source = new ManualSource(a.lbkitServer());
    ManagedChannel ch = servers.channel(source,
        LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin()));

    for (int i = 0; i < 20; i++) {
      assertThat(EchoServers.call(ch, "ok")).isEqualTo("a");
    }
    source.push(a.lbkitServer(), b.lbkitServer());
    int seenB = 0;
    for (int i = 0; i < 2000 && seenB == 0; i++) {
      seenB = EchoServers.call(ch, "ok").equals("b") ? 1 : 0;
    }
    assertThat(seenB).as("b gets calls once listed").isEqualTo(1);
    int before = servers.hits("a") + servers.hits("b");
    for (int i = 0; i < 40; i++) {
      EchoServers.call(ch, "ok");
    }
    // round robin over both: 20 each, give or take the call that was in the rotation
    assertThat(servers.hits("b") - (before - servers.hits("a"))).isBetween(0, 40);

    source.push(b.lbkitServer());
    callUntil(ch, "b", 20);
    int aHits = servers.hits("a");
    for (int i = 0; i < 50; i++) {
      assertThat(EchoServers.call(ch, "ok")).isEqualTo("b");
    }
    assertThat(servers.hits("a")).as("a gets nothing once unlisted").isEqualTo(aHits);
  }

  @Test
  void aSourceFailureBeforeAnyListFailsCallsAndOneAfterKeepsTheList() throws Exception {
    EchoServers.Backend a = servers.start("a");
    ManualSource source = new ManualSource();
    ManagedChannel ch = servers.channel(source,
        LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin()));
    ch.getState(true); // leave idle: resolution starts
    for (int i = 0; i < 1000 && !source.started(); i++) {
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(1); // waits for gRPC's resolver start, not for lbkit logic
    }
    source.fail(new IllegalStateException("registry down"));
    assertThatThrownBy(() -> EchoServers.call(ch, "ok"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAVAILABLE")
        .hasMessageContaining("registry down");

    source.push(a.lbkitServer());
    callUntil(ch, "a", 5);
    source.fail(new IllegalStateException("registry down again"));
    for (int i = 0; i < 20; i++) {
      assertThat(EchoServers.call(ch, "ok")).isEqualTo("a");
    }
  }

  @Test
  void recordsOkAsSuccessUnavailableAsFailureAndCancelledAsCancel() throws Exception {
    EchoServers.Backend a = servers.start("a");
    AtomicReference<LoadBalancer> lb = new AtomicReference<>();
    ManagedChannel ch = servers.channel(new ManualSource(a.lbkitServer()),
        LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin()).onCreated(lb::set));

    assertThat(EchoServers.call(ch, "ok")).isEqualTo("a");
    ServerStats ok = lb.get().tracker().stats(a.lbkitServer());
    assertThat(ok.requests()).isEqualTo(1);
    assertThat(ok.failures()).isZero();

    assertThatThrownBy(() -> EchoServers.call(ch, "fail"))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("told to fail");
    ServerStats failed = lb.get().tracker().stats(a.lbkitServer());
    assertThat(failed.requests()).isEqualTo(2);
    assertThat(failed.failures()).isEqualTo(1);

    CountDownLatch closed = new CountDownLatch(1);
    Status[] status = new Status[1];
    ClientCall<String, String> call = EchoServers.start(ch, "hang", closed, status);
    assertThat(servers.hanging.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(lb.get().tracker().stats(a.lbkitServer()).inFlight()).isEqualTo(1);
    call.cancel("test gives up", null);
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(status[0].getCode()).isEqualTo(Status.Code.CANCELLED);
    ServerStats cancelled = lb.get().tracker().stats(a.lbkitServer());
    assertThat(cancelled.requests()).as("a cancel counts neither way").isEqualTo(2);
    assertThat(cancelled.failures()).isEqualTo(1);
    assertThat(cancelled.inFlight()).isZero();
  }

  @Test
  void aServerShutDownMidRunCostsOnlyItsCallsInFlightGetsNoMoreAndRefreshesTheSource() throws Exception {
    EchoServers.Backend a = servers.start("a");
    EchoServers.Backend b = servers.start("b");
    EchoServers.Backend c = servers.start("c");
    for (EchoServers.Backend x : new EchoServers.Backend[] {a, b, c}) {
      x.delayMillis = 2;
    }
    ManualSource source = new ManualSource(a.lbkitServer(), b.lbkitServer(), c.lbkitServer());
    ManagedChannel ch = servers.channel(source,
        LbkitLoadBalancerProvider.builder().strategy(Strategies.roundRobin()));
    callUntil(ch, "a", 1);
    callUntil(ch, "c", 1);

    AtomicInteger done = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Future<?>[] workers = new Future<?>[4];
    for (int w = 0; w < 4; w++) {
      workers[w] = pool.submit(() -> {
        for (int i = 0; i < 100; i++) {
          try {
            EchoServers.call(ch, "ok");
          } catch (StatusRuntimeException e) {
            failures.incrementAndGet();
          }
          if (done.incrementAndGet() == 100) {
            halfway.countDown();
          }
        }
      });
    }
    assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
    c.server.shutdownNow();
    for (Future<?> f : workers) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    System.out.printf("shutdown mid-run: %d failures of 400 calls; hits a=%d b=%d c=%d%n",
        failures.get(), servers.hits("a"), servers.hits("b"), servers.hits("c"));
    // at most the 4 calls in flight on c, and the few picked before its subchannel left
    assertThat(failures.get()).isLessThanOrEqualTo(8);

    int cHits = servers.hits("c");
    int failed = 0;
    for (int i = 0; i < 100; i++) {
      try {
        EchoServers.call(ch, "ok");
      } catch (StatusRuntimeException e) {
        failed++;
      }
    }
    assertThat(failed).as("later calls avoid c").isZero();
    assertThat(servers.hits("c")).isEqualTo(cHits);
    // the lost connection made gRPC ask the resolver to refresh, which reaches the source
    assertThat(source.refreshed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  // The defaults, slow start included: the three servers are the channel's first list, so none
  // ramps (a ramp would thin its picks at random and hide the latencies peak EWMA acts on).
  @Test
  void aSlowServersShareFallsUnderPeakEwma() throws Exception {
    EchoServers.Backend a = servers.start("a");
    EchoServers.Backend b = servers.start("b");
    EchoServers.Backend slow = servers.start("slow");
    slow.delayMillis = 25;
    AtomicReference<LoadBalancer> lbRef = new AtomicReference<>();
    ManagedChannel ch = servers.channel(
        new ManualSource(a.lbkitServer(), b.lbkitServer(), slow.lbkitServer()),
        LbkitLoadBalancerProvider.builder().strategy(Strategies.peakEwma())
            .health(HealthConfig.defaults()).onCreated(lbRef::set));
    EchoServers.call(ch, "ok");
    int warm = servers.hits("a") + servers.hits("b") + servers.hits("slow");

    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<?>[] workers = new Future<?>[2];
    for (int w = 0; w < 2; w++) {
      workers[w] = pool.submit(() -> {
        for (int i = 0; i < 150; i++) {
          EchoServers.call(ch, "ok");
        }
      });
    }
    for (Future<?> f : workers) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    int total = servers.hits("a") + servers.hits("b") + servers.hits("slow") - warm;
    double slowShare = (double) servers.hits("slow") / total;
    System.out.printf("peak EWMA, 300 calls from 2 threads: a=%d b=%d slow=%d (%.1f%%)%n",
        servers.hits("a"), servers.hits("b"), servers.hits("slow"), 100 * slowShare);
    System.out.println(lbRef.get().tracker().stats(slow.lbkitServer()));
    assertThat(total).isEqualTo(300);
    assertThat(slowShare).isLessThan(0.20);
  }

  @Test
  void aJoiningServerRampsUpUnderSlowStartAndTheFirstServersDoNot() throws Exception {
    EchoServers.Backend a = servers.start("a");
    EchoServers.Backend b = servers.start("b");
    EchoServers.Backend c = servers.start("c");
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    ManualSource source = new ManualSource(a.lbkitServer(), b.lbkitServer());
    AtomicReference<LoadBalancer> lb = new AtomicReference<>();
    ManagedChannel ch = servers.channel(source, LbkitLoadBalancerProvider.builder()
        .strategy(Strategies.weightedRoundRobin())
        .health(HealthConfig.builder().slowStart(SlowStart.over(Duration.ofSeconds(30))).build())
        .ticker(ticker)
        .scheduler(scheduler)
        .onCreated(lb::set));
    callUntil(ch, "a", 1);
    callUntil(ch, "b", 1);
    // the channel's first servers start at full weight, as a pool's initial members do
    assertThat(lb.get().tracker().stats(a.lbkitServer()).state()).isEqualTo(ServerState.HEALTHY);
    assertThat(lb.get().tracker().stats(b.lbkitServer()).state()).isEqualTo(ServerState.HEALTHY);
    source.push(a.lbkitServer(), b.lbkitServer(), c.lbkitServer());
    callUntil(ch, "c", 1);
    assertThat(lb.get().tracker().stats(c.lbkitServer()).state())
        .isEqualTo(ServerState.SLOW_START);

    int c0 = servers.hits("c");
    int all0 = servers.hits("a") + servers.hits("b") + c0;
    for (int i = 0; i < 300; i++) {
      EchoServers.call(ch, "ok");
    }
    double ramp = (double) (servers.hits("c") - c0)
        / (servers.hits("a") + servers.hits("b") + servers.hits("c") - all0);

    scheduler.advance(Duration.ofSeconds(31)); // c's ramp is over
    assertThat(lb.get().tracker().stats(c.lbkitServer()).state()).isEqualTo(ServerState.HEALTHY);
    int c1 = servers.hits("c");
    int all1 = servers.hits("a") + servers.hits("b") + c1;
    for (int i = 0; i < 300; i++) {
      EchoServers.call(ch, "ok");
    }
    double steady = (double) (servers.hits("c") - c1)
        / (servers.hits("a") + servers.hits("b") + servers.hits("c") - all1);
    System.out.printf("slow start: c's share %.1f%% at the ramp's start, %.1f%% after it%n",
        100 * ramp, 100 * steady);
    assertThat(ramp).isLessThan(0.15);
    assertThat(steady).isBetween(0.30, 0.37);
  }

  @Test
  void orcaWeightsFollowTheLoadReportsInTheServersTrailers() throws Exception {
    EchoServers.Backend a = servers.start("a");
    EchoServers.Backend b = servers.start("b");
    EchoServers.Backend c = servers.start("c");
    // weight = qps / utilization: a 200 (TEXT), b 400 (the binary trailer), c 100 (BIN form)
    a.trailers = trailer(OrcaMetadata.TEXT, "TEXT cpu_utilization=0.5, rps_fractional=100");
    b.trailers = trailer(OrcaMetadata.BINARY,
        new OrcaMetadataTest.Proto().fixed64(1, 0.25).fixed64(6, 100).bytes());
    c.trailers = trailer(OrcaMetadata.TEXT, "BIN " + java.util.Base64.getEncoder()
        .encodeToString(new OrcaMetadataTest.Proto().fixed64(1, 1.0).fixed64(6, 100).bytes()));
    ManualTicker ticker = new ManualTicker();
    ManagedChannel ch = servers.channel(
        new ManualSource(a.lbkitServer(), b.lbkitServer(), c.lbkitServer()),
        LbkitLoadBalancerProvider.builder()
            .strategy(Strategies.orcaWeightedRoundRobin(
                OrcaWrrConfig.builder().blackoutPeriod(Duration.ZERO).build()))
            .ticker(ticker)
            .scheduler(new ManualScheduler(ticker)));
    callUntil(ch, "a", 1);
    callUntil(ch, "b", 1);
    callUntil(ch, "c", 1);
    int[] before = hits(a, b, c);
    for (int i = 0; i < 300; i++) {
      EchoServers.call(ch, "ok"); // no update period has passed: round robin
    }
    double[] rr = shares(before, hits(a, b, c));

    ticker.advance(Duration.ofSeconds(1)); // the next report makes the weights due
    for (int i = 0; i < 20; i++) {
      EchoServers.call(ch, "ok"); // and the channel's synchronization context rebuilds
    }
    int[] from = hits(a, b, c);
    for (int i = 0; i < 700; i++) {
      EchoServers.call(ch, "ok");
    }
    double[] weighted = shares(from, hits(a, b, c));
    System.out.printf("ORCA in gRPC: shares %.3f %.3f %.3f before the weights were due, "
        + "%.3f %.3f %.3f after (2/7, 4/7, 1/7 = 0.286, 0.571, 0.143)%n",
        rr[0], rr[1], rr[2], weighted[0], weighted[1], weighted[2]);
    assertThat(rr).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, within(0.01));
    assertThat(weighted).containsExactly(new double[] {2 / 7.0, 4 / 7.0, 1 / 7.0}, within(0.02));
  }

  private static <T> io.grpc.Metadata trailer(io.grpc.Metadata.Key<T> key, T value) {
    io.grpc.Metadata m = new io.grpc.Metadata();
    m.put(key, value);
    return m;
  }

  private int[] hits(EchoServers.Backend... backends) {
    int[] h = new int[backends.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = servers.hits(backends[i].name);
    }
    return h;
  }

  private static double[] shares(int[] from, int[] to) {
    double total = 0;
    for (int i = 0; i < from.length; i++) {
      total += to[i] - from[i];
    }
    double[] s = new double[from.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (to[i] - from[i]) / total;
    }
    return s;
  }
}
