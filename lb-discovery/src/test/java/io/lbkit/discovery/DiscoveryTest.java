package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.HealthTracker.Permit;
import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The binder's rules, one by one, on a manual clock and a source pushed by hand. */
class DiscoveryTest {
  private static final Server A = Server.of("10.0.0.1", 80);
  private static final Server B = Server.of("10.0.0.2", 80);
  private static final Server C = Server.of("10.0.0.3", 80);
  private static final Server D = Server.of("10.0.0.4", 80);

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ManualSource source = new ManualSource();
  private final Recorder recorder = new Recorder();
  private final AtomicInteger poolChanges = new AtomicInteger();
  private ServerPool pool = ServerPool.empty();

  DiscoveryTest() {
    pool.addListener((previous, current) -> poolChanges.incrementAndGet());
  }

  private Discovery.Builder builder() {
    return Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(1)).listener(recorder);
  }

  private static Server drained(Server s) {
    return s.toBuilder().weight(0).build();
  }

  @Test
  void theFirstListFillsThePoolAndCompletesReady() throws Exception {
    try (Discovery d = builder().start()) {
      assertThat(source.starts).isEqualTo(1);
      assertThat(d.ready()).isNotDone();
      assertThat(d.status().isReady()).isFalse();

      source.push(A, B);

      assertThat(pool.servers()).containsExactly(A, B);
      assertThat(d.ready().get()).containsExactly(A, B);
      assertThat(d.status().version()).isEqualTo(1);
      assertThat(d.status().isReady()).isTrue();
      assertThat(recorder.events()).containsExactly(
          "change version 1, added 2 [10.0.0.1:80, 10.0.0.2:80]");
    }
  }

  @Test
  void anIdenticalListChangesNothingWhateverItsOrder() {
    try (Discovery d = builder().start()) {
      source.push(A, B, C);
      long poolVersion = pool.snapshot().version();
      int changes = poolChanges.get();
      ticker.advance(Duration.ofSeconds(5));

      source.push(C, A, B); // DNS servers rotate their answers
      source.push(A, B, C);

      assertThat(pool.snapshot().version()).isEqualTo(poolVersion);
      assertThat(poolChanges.get()).isEqualTo(changes);
      assertThat(pool.servers()).containsExactly(A, B, C);
      assertThat(d.status().version()).isEqualTo(1);
      assertThat(recorder.changes).hasSize(1);
      // A repeat still confirms the list: the pool's knowledge is fresh.
      assertThat(d.status().staleness()).isEqualTo(Duration.ZERO);
    }
  }

  @Test
  void additionsApplyAtOnceAndMembersKeepTheirPlaces() {
    try (Discovery d = builder().start()) {
      source.push(A, B);
      source.push(D, B, C, A);

      assertThat(pool.servers()).containsExactly(A, B, D, C);
      assertThat(recorder.changes.get(1).added()).containsExactly(D, C);
    }
  }

  @Test
  void aChangedServerIsUpdatedInPlaceAtOnce() {
    try (Discovery d = builder().start()) {
      source.push(A, B);
      Server heavierA = A.toBuilder().weight(5).priority(1).build();
      source.push(heavierA, B);

      assertThat(pool.servers()).containsExactly(heavierA, B);
      assertThat(recorder.changes.get(1).updated()).containsExactly(heavierA);
    }
  }

  @Test
  void aServerThatLeavesIsDrainedAtOnceAndRemovedAfterTheDefaultThirtySeconds() {
    try (Discovery d = builder().start()) {
      source.push(A, B, C);
      source.push(A, B);

      assertThat(pool.servers()).containsExactly(A, B, drained(C));
      assertThat(recorder.changes.get(1).draining()).containsExactly(C);
      assertThat(d.status().drainingCount()).isEqualTo(1);

      scheduler.advance(Discovery.DEFAULT_REMOVAL_DELAY.minusNanos(1));
      assertThat(pool.servers()).containsExactly(A, B, drained(C));

      scheduler.advance(Duration.ofNanos(1));
      assertThat(pool.servers()).containsExactly(A, B);
      MembershipChange removal = recorder.changes.get(2);
      assertThat(removal.removed()).containsExactly(C);
      assertThat(removal.version()).isEqualTo(2);
      assertThat(d.status().drainingCount()).isZero();
      assertThat(scheduler.pending()).isZero();
    }
  }

  @Test
  void aServerListedAgainWithinTheDelayIsRestoredAsListedAndNotRemoved() {
    try (Discovery d = builder().start()) {
      source.push(A, B, C);
      source.push(A, B);
      scheduler.advance(Duration.ofSeconds(10));

      Server heavierC = C.toBuilder().weight(4).build();
      source.push(A, B, heavierC);

      assertThat(pool.servers()).containsExactly(A, B, heavierC);
      assertThat(recorder.changes.get(2).restored()).containsExactly(heavierC);
      scheduler.advance(Duration.ofSeconds(60));
      assertThat(pool.servers()).containsExactly(A, B, heavierC);
      assertThat(recorder.changes).hasSize(3);
    }
  }

  @Test
  void serversThatLeaveAtDifferentTimesAreEachRemovedAfterTheirOwnDelay() {
    try (Discovery d = builder().removalDelay(Duration.ofSeconds(10)).start()) {
      source.push(A, B, C);
      source.push(A, B); // C due at 10 s
      scheduler.advance(Duration.ofSeconds(4));
      source.push(A); // B due at 14 s

      scheduler.advance(Duration.ofSeconds(6));
      assertThat(pool.servers()).containsExactly(A, drained(B));
      scheduler.advance(Duration.ofSeconds(4));
      assertThat(pool.servers()).containsExactly(A);
      assertThat(recorder.changes.get(3).removed()).containsExactly(C);
      assertThat(recorder.changes.get(4).removed()).containsExactly(B);
    }
  }

  @Test
  void aZeroRemovalDelayRemovesAtOnce() {
    try (Discovery d = builder().removalDelay(Duration.ZERO).start()) {
      source.push(A, B, C);
      source.push(A, B);

      assertThat(pool.servers()).containsExactly(A, B);
      assertThat(recorder.changes.get(1).removed()).containsExactly(C);
      assertThat(scheduler.pending()).isZero();
    }
  }

  @Test
  void perServerStateSurvivesUpdatesAndAReturnWithinTheRemovalDelay() {
    LoadTracker tracker = LoadTracker.create(ticker);
    Selector selector = Selector.builder(pool).strategy(Strategies.roundRobin())
        .tracker(tracker).rebuildExecutor(Runnable::run).build();
    try (Discovery d = builder().start()) {
      source.push(A, B);
      for (int i = 0; i < 3; i++) {
        tracker.onSuccess(A, tracker.onStart(A), Permit.GRANTED);
      }
      source.push(A.toBuilder().weight(5).build(), B, C); // A updated, C added
      source.push(B, C); // A leaves: drained, state kept
      scheduler.advance(Duration.ofSeconds(20));
      source.push(A, B, C); // back within 30 s

      assertThat(tracker.stats(A).requests()).isEqualTo(3);
      assertThat(selector.choose()).isNotNull();
    }
  }

  @Test
  void withoutARemovalDelayAServerThatFlapsLosesItsState() {
    LoadTracker tracker = LoadTracker.create(ticker);
    Selector selector = Selector.builder(pool).strategy(Strategies.roundRobin())
        .tracker(tracker).rebuildExecutor(Runnable::run).build();
    try (Discovery d = builder().removalDelay(Duration.ZERO).start()) {
      source.push(A, B);
      for (int i = 0; i < 3; i++) {
        tracker.onSuccess(A, tracker.onStart(A), Permit.GRANTED);
      }
      source.push(B);
      source.push(A, B);

      assertThat(tracker.stats(A).requests()).isZero();
      assertThat(selector.choose()).isNotNull();
    }
  }

  @Test
  void anEmptyAnswerIsRejectedAndTheLastListKept() {
    try (Discovery d = builder().start()) {
      source.push(A, B);
      source.push();

      assertThat(pool.servers()).containsExactly(A, B);
      DiscoveryStatus status = d.status();
      assertThat(status.consecutiveFailures()).isEqualTo(1);
      assertThat(status.lastError().orElseThrow()).hasMessage("servers: [] (expected: at least "
          + "one server; Discovery.Builder.allowEmpty() accepts empty answers)");
      assertThat(status.version()).isEqualTo(1);
    }
  }

  @Test
  void anEmptyAnswerIsTheTruthWhenAllowedAndDrainsEveryServer() {
    try (Discovery d = builder().allowEmpty().start()) {
      source.push(A, B);
      source.push();

      assertThat(pool.servers()).containsExactly(drained(A), drained(B));
      scheduler.advance(Discovery.DEFAULT_REMOVAL_DELAY);
      assertThat(pool.servers()).isEmpty();
      assertThat(d.status().consecutiveFailures()).isZero();
    }
  }

  @Test
  void nullAndInvalidAnswersAreRejectedNamingTheProblemAndNothingIsLost() {
    try (Discovery d = builder().start()) {
      source.push(A, B);
      source.push((List<Server>) null);
      source.push(Arrays.asList(A, null));
      source.push(A, B, A.toBuilder().weight(3).build());

      assertThat(pool.servers()).containsExactly(A, B);
      assertThat(recorder.failures).extracting(Throwable::getMessage).containsExactly(
          "servers: null (expected: non-null)",
          "servers[1]: null (expected: non-null)",
          "servers[2].id: \"10.0.0.1:80\" (expected: unique within the list)");
      assertThat(d.status().consecutiveFailures()).isEqualTo(3);
    }
  }

  @Test
  void aFailingSourceKeepsTheListAndTheStatusSaysForHowLong() {
    try (Discovery d = builder().start()) {
      source.push(A, B);
      scheduler.advance(Duration.ofSeconds(10));
      source.fail(new IOException("registry down"));
      scheduler.advance(Duration.ofSeconds(5));
      source.fail(new IOException("registry still down"));

      assertThat(pool.servers()).containsExactly(A, B);
      DiscoveryStatus during = d.status();
      assertThat(during.consecutiveFailures()).isEqualTo(2);
      assertThat(during.lastError().orElseThrow()).hasMessage("registry still down");
      assertThat(during.sinceLastSuccess()).contains(Duration.ofSeconds(15));
      assertThat(during.sinceLastError()).contains(Duration.ZERO);
      assertThat(during.staleness()).isEqualTo(Duration.ofSeconds(15));

      scheduler.advance(Duration.ofSeconds(1));
      source.push(B, A);
      DiscoveryStatus after = d.status();
      assertThat(after.consecutiveFailures()).isZero();
      assertThat(after.staleness()).isEqualTo(Duration.ZERO);
      assertThat(after.sinceLastError()).contains(Duration.ofSeconds(1));
      assertThat(after.lastError().orElseThrow()).hasMessage("registry still down");
      assertThat(recorder.events()).containsExactly(
          "change version 1, added 2 [10.0.0.1:80, 10.0.0.2:80]",
          "failure 1: registry down",
          "failure 2: registry still down",
          "recovered");
    }
  }

  @Test
  void beforeAnyListTheStalenessCountsFromTheStart() {
    try (Discovery d = builder().start()) {
      scheduler.advance(Duration.ofSeconds(7));
      assertThat(d.status().staleness()).isEqualTo(Duration.ofSeconds(7));
      assertThat(d.status().sinceLastSuccess()).isEmpty();
      assertThat(d.status().lastError()).isEmpty();
    }
  }

  @Test
  void warnsOncePerOutageAndLogsEveryChangeAtInfo() {
    try (LogCapture log = new LogCapture(); Discovery d = builder().name("inventory").start()) {
      source.push(A, B);
      for (int i = 0; i < 5; i++) {
        scheduler.advance(Duration.ofSeconds(1));
        source.fail(new IOException("registry down"));
      }
      source.push(A, B, C);
      source.fail(new IOException("registry down again"));

      assertThat(log.lines("WARN")).hasSize(2);
      assertThat(log.lines("WARN").get(0)).contains("discovery inventory: the source failed: "
          + "java.io.IOException: registry down; the pool keeps its 2 servers until a usable "
          + "answer");
      assertThat(log.lines("INFO")).containsExactly(
          "[main] INFO io.lbkit.discovery.Discovery - discovery inventory: version 1, added 2 "
              + "[10.0.0.1:80, 10.0.0.2:80]; 2 servers in the pool",
          "[main] INFO io.lbkit.discovery.Discovery - discovery inventory: the source answered "
              + "again after 5 failed attempts over 4 s",
          "[main] INFO io.lbkit.discovery.Discovery - discovery inventory: version 2, added 1 "
              + "[10.0.0.3:80]; 3 servers in the pool");
    }
  }

  @Test
  void aRejectedAnswerWarnsWithItsReasonAndNoStackTrace() {
    try (LogCapture log = new LogCapture(); Discovery d = builder().name("inventory").start()) {
      source.push(A);
      source.push(A, A);

      assertThat(log.lines("WARN")).containsExactly("[main] WARN io.lbkit.discovery.Discovery"
          + " - discovery inventory: the source's answer was rejected: servers[1].id: "
          + "\"10.0.0.1:80\" (expected: unique within the list); the pool keeps its 1 server "
          + "until a usable answer (further failures of this outage are logged at DEBUG)");
    }
  }

  @Test
  void readyFailsAfterItsTimeoutWithTheSourcesLastErrorAsCause() {
    try (Discovery d = builder().readyTimeout(Duration.ofSeconds(10)).start()) {
      CompletableFuture<List<Server>> ready = d.ready();
      source.fail(new IOException("boom"));
      scheduler.advance(Duration.ofSeconds(10).minusNanos(1));
      assertThat(ready).isNotDone();

      scheduler.advance(Duration.ofNanos(1));
      assertThatThrownBy(ready::get).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(TimeoutException.class)
          .hasMessage("discovery manual source: no list within 10 s; see the cause")
          .cause().hasMessage("boom");

      source.push(A); // a late list still fills the pool; ready stays failed
      assertThat(pool.servers()).containsExactly(A);
      assertThat(d.status().isReady()).isTrue();
      assertThat(d.ready()).isCompletedExceptionally();
    }
  }

  @Test
  void readyCompletesBeforeItsTimeoutAndStaysCompleted() throws Exception {
    try (Discovery d = builder().readyTimeout(Duration.ofSeconds(10)).start()) {
      scheduler.advance(Duration.ofSeconds(5));
      source.push(A);
      scheduler.advance(Duration.ofSeconds(10));

      assertThat(d.ready().get()).containsExactly(A);
      assertThat(scheduler.pending()).isZero();
    }
  }

  @Test
  void closeCancelsReadyAndStopsTheSource() {
    Discovery d = builder().start();
    CompletableFuture<List<Server>> ready = d.ready();
    d.close();
    d.close();

    assertThat(source.closes).isEqualTo(1);
    assertThatThrownBy(ready::get).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("discovery manual source was closed before its first list");
  }

  @Test
  void afterCloseThePoolKeepsItsServersAndNothingMoves() {
    Discovery d = builder().start();
    source.push(A, B, C);
    source.push(A, B);
    d.close();

    source.push(D);
    source.fail(new IOException("late"));
    scheduler.advance(Duration.ofSeconds(60));

    assertThat(pool.servers()).containsExactly(A, B, drained(C));
    assertThat(scheduler.pending()).isZero();
    assertThat(d.refresh()).isFalse();
  }

  @Test
  void refreshIsAHintAskedAtMostOncePerInterval() {
    try (Discovery d = builder().start()) {
      assertThat(d.refresh()).isTrue();
      scheduler.runDue();
      assertThat(source.refreshes).isEqualTo(1);

      scheduler.advance(Duration.ofSeconds(1));
      assertThat(d.refresh()).isTrue(); // due at 5 s, the interval's end
      assertThat(d.refresh()).isFalse(); // one is pending already
      scheduler.advance(Duration.ofSeconds(4).minusNanos(1));
      assertThat(source.refreshes).isEqualTo(1);
      scheduler.advance(Duration.ofNanos(1));
      assertThat(source.refreshes).isEqualTo(2);

      scheduler.advance(Duration.ofSeconds(20));
      assertThat(d.refresh()).isTrue();
      scheduler.runDue();
      assertThat(source.refreshes).isEqualTo(3);
    }
  }

  @Test
  void bootstrapServersStayUntilTheFirstListThenDrainLikeAnyOther() {
    pool = ServerPool.of(C, D);
    try (Discovery d = builder().start()) {
      assertThat(pool.servers()).containsExactly(C, D);
      source.push(A, D);

      assertThat(pool.servers()).containsExactly(drained(C), D, A);
      scheduler.advance(Discovery.DEFAULT_REMOVAL_DELAY);
      assertThat(pool.servers()).containsExactly(D, A);
    }
  }

  @Test
  void aListenerThatThrowsChangesNothing() {
    List<String> seen = new ArrayList<>();
    DiscoveryListener throwing = new DiscoveryListener() {
      @Override
      public void onChange(MembershipChange change) {
        seen.add("v" + change.version());
        throw new IllegalStateException("listener bug");
      }
    };
    try (LogCapture log = new LogCapture();
        Discovery d = builder().listener(throwing).start()) {
      source.push(A);
      source.push(A, B);

      assertThat(pool.servers()).containsExactly(A, B);
      assertThat(seen).containsExactly("v1", "v2");
      assertThat(log.lines("WARN")).hasSize(2)
          .allMatch(line -> line.contains("a listener failed"));
    }
  }

  @Test
  void listenersRunOutsideTheLockSoOtherThreadsAreNotHeldUp() throws Exception {
    CountDownLatch statusRead = new CountDownLatch(1);
    Discovery[] binder = new Discovery[1];
    DiscoveryListener waiting = new DiscoveryListener() {
      @Override
      public void onChange(MembershipChange change) {
        Thread other = new Thread(() -> {
          binder[0].status();
          statusRead.countDown();
        });
        other.start();
        try {
          // The bound only keeps a broken build from hanging; the figure is not asserted.
          assertThat(statusRead.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (Discovery d = builder().listener(waiting).start()) {
      binder[0] = d;
      source.push(A);
      assertThat(statusRead.getCount()).isZero();
    }
  }

  @Test
  void aSourceWhoseStartThrowsFailsTheStartAndIsClosed() {
    ServerSource broken = new ServerSource() {
      @Override
      public void start(Listener listener, Context context) {
        throw new IllegalStateException("cannot start");
      }

      @Override
      public void close() {
        source.closes++;
      }
    };
    assertThatThrownBy(() -> Discovery.builder(broken, pool).scheduler(scheduler).start())
        .isInstanceOf(IllegalStateException.class).hasMessage("cannot start");
    assertThat(source.closes).isEqualTo(1);
  }

  @Test
  void theBuilderRejectsBadArgumentsNamingThem() {
    assertThatThrownBy(() -> Discovery.builder(null, pool))
        .hasMessage("source: null (expected: non-null)");
    assertThatThrownBy(() -> Discovery.builder(source, null))
        .hasMessage("pool: null (expected: non-null)");
    Discovery.Builder b = builder();
    assertThatThrownBy(() -> b.removalDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("removalDelay: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> b.removalDelay(Duration.ofDays(366)))
        .hasMessage("removalDelay: PT8784H (expected: <= PT8760H (365 days))");
    assertThatThrownBy(() -> b.minRefreshInterval(Duration.ZERO))
        .hasMessage("minRefreshInterval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.readyTimeout(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("readyTimeout: null (expected: non-null)");
    assertThatThrownBy(() -> b.name(" ")).hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> b.listener(null)).hasMessage("listener: null (expected: non-null)");
    assertThatThrownBy(() -> ServerSource.of(A, null))
        .hasMessage("servers[1]: null (expected: non-null)");
  }

  @Test
  void aStaticSourceFillsThePoolOnce() throws Exception {
    try (Discovery d = Discovery.builder(ServerSource.of(A, B), pool).ticker(ticker)
        .scheduler(scheduler).executor(Runnable::run).start()) {
      assertThat(d.ready().get()).containsExactly(A, B);
      assertThat(pool.servers()).containsExactly(A, B);
      assertThat(d.toString()).isEqualTo("Discovery{static list of 2 servers}");
    }
  }

  @Test
  void givenNoSchedulerOrExecutorItRunsOnThreadsOfItsOwnAndStopsThemOnClose() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Discovery d = Discovery.builder(PollingSource.of(() -> List.of(A)), pool).start();
    assertThat(d.ready().get(10, TimeUnit.SECONDS)).containsExactly(A);
    List<Thread> mine = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && t.getName().startsWith("lbkit-discovery-")) {
        mine.add(t);
      }
    }
    assertThat(mine).extracting(Thread::getName)
        .anyMatch(n -> n.endsWith("-timer-1")).anyMatch(n -> n.endsWith("-lookup-1"))
        .allMatch(n -> n.matches("lbkit-discovery-\\d+-(timer|lookup)-\\d+"));
    assertThat(mine).allMatch(Thread::isDaemon);

    d.close();
    for (Thread t : mine) {
      t.join(TimeUnit.SECONDS.toMillis(10)); // a bound against hanging; not a timing assert
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  @Test
  void aLargeChangeIsOneLogLineNamingTenServers() {
    List<Server> many = new ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      many.add(Server.of("10.1.0." + i, 80));
    }
    try (Discovery d = builder().start()) {
      source.push(many);
      assertThat(recorder.changes.get(0)).hasToString("version 1, added 15 [10.1.0.1:80, "
          + "10.1.0.2:80, 10.1.0.3:80, 10.1.0.4:80, 10.1.0.5:80, 10.1.0.6:80, 10.1.0.7:80, "
          + "10.1.0.8:80, 10.1.0.9:80, 10.1.0.10:80, ... 5 more]");
    }
  }
}
