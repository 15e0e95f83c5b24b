package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.CallRecorder;
import io.lbkit.failover.CallRecording;
import io.lbkit.failover.Failover;
import io.lbkit.failover.LoadBalancer;
import io.lbkit.failover.RecordedEvent;
import io.lbkit.failover.RetryBudget;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import io.lbkit.failover.AttemptKind;
import io.lbkit.failover.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replaying recordings: the same variant makes the same picks; another one differs, repeatably. */
class ReplayTest {
  private static final long SEED = 42;

  @TempDir
  Path dir;

  /** Records {@code variant} on {@code scenario}, replays it with the same, compares everything. */
  private void replaysToTheSameEvents(Scenario scenario, Variant variant) throws IOException {
    Path original = dir.resolve("original.lbrec");
    RunResult simulated = SimRecording.record(scenario, variant, SEED, original);
    CallRecording recorded = CallRecording.read(original);

    Path again = dir.resolve("replayed.lbrec");
    ReplayResult replayed = SimRecording.record(new Replay(recorded, variant,
        Replay.Options.seed(SEED)), again);
    CallRecording rerecorded = CallRecording.read(again);

    assertThat(recorded.events()).hasSizeGreaterThan(1000);
    assertThat(rerecorded.servers()).isEqualTo(recorded.servers());
    // Every event in order: each call at its time, each attempt's server, outcome and latency.
    assertThat(rerecorded.events()).isEqualTo(recorded.events());
    assertThat(ReplayStats.picks(replayed)).isEqualTo(ReplayStats.of(recorded).picks);
    assertThat(replayed.answers(RecordedServers.Source.EXACT)).isEqualTo(replayed.picks());
    RunResult run = replayed.run();
    assertThat(run.requests()).isEqualTo(simulated.requests());
    assertThat(run.successes()).isEqualTo(simulated.successes());
    assertThat(run.percentileMillis(0.5)).isEqualTo(simulated.percentileMillis(0.5));
    assertThat(run.percentileMillis(0.99)).isEqualTo(simulated.percentileMillis(0.99));
    for (int i = 0; i < scenario.servers().size(); i++) {
      assertThat(run.attempts(i)).as("attempts of server %d", i)
          .isEqualTo(simulated.attempts(i));
    }
  }

  @Test
  void aRecordedPeakEwmaRunReplaysToIdenticalPicks() throws IOException {
    replaysToTheSameEvents(Scenarios.oneSlow().withDuration(10),
        Catalog.variant("peakEwma", "load", "failFast"));
  }

  @Test
  void aRecordedRunWithHealthTicksRetriesAndRandomPicksReplaysToIdenticalPicks()
      throws IOException {
    replaysToTheSameEvents(Scenarios.brownOut().withDuration(15),
        Catalog.variant("powerOfTwoChoices", "health", "retry3"));
  }

  @Test
  void aRecordedHedgedRunReplaysToIdenticalPicksWithItsCancelledCopies() throws IOException {
    Scenario s = Scenarios.oneSlow().withDuration(5);
    replaysToTheSameEvents(s, Catalog.variant("roundRobin", "load", "hedged"));
    CallRecording r = CallRecording.read(dir.resolve("original.lbrec"));
    assertThat(r.events()).anyMatch(e -> e instanceof RecordedEvent.AttemptCancelled);
  }

  @Test
  void anOutageWhoseResetsEndOnOneNanosecondReplaysToIdenticalPicks() throws IOException {
    // Every server dies at 30 s: the calls in service all end at that instant, in the order
    // the servers were reset, which the replay must keep.
    replaysToTheSameEvents(Scenarios.allDownThenRecovery().withDuration(32),
        Catalog.variant("roundRobin", "health", "retry3"));
  }

  /**
   * A demo-like run recorded from a plain LoadBalancer on a fake clock: an order service calling
   * three inventory servers one call at a time, inventory-2 ten times slower (200 ms against
   * 20 ms), under peak EWMA, which learns to avoid it.
   */
  private CallRecording demoRecording() throws IOException {
    ManualTicker ticker = new ManualTicker();
    Server[] servers = {Server.of("inventory-1", 8080), Server.of("inventory-2", 8080),
        Server.of("inventory-3", 8080)};
    ServerPool pool = ServerPool.of(servers);
    SplittableRandom jitter = new SplittableRandom(7);
    Path file = dir.resolve("demo.lbrec");
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.peakEwma())
        .tracker(LoadTracker.create(ticker)).failover(Failover.retry(3))
        .budget(RetryBudget.unlimited()).ticker(ticker).random(RandomSource.seeded(1))
        .scheduler(new ManualScheduler(ticker)).executor(Runnable::run)
        .rebuildExecutor(Runnable::run).build();
        CallRecorder recorder = CallRecorder.attach(lb, file)) {
      for (int call = 0; call < 2_000; call++) {
        ticker.advance(Duration.ofMillis(5));
        lb.execute(Request.IDEMPOTENT, s -> {
          long ms = s == servers[1] ? 200 : 20;
          ticker.advanceNanos(ms * 1_000_000L + jitter.nextLong(1_000_000L));
          return "stock";
        });
      }
    }
    return CallRecording.read(file);
  }

  @Test
  void anotherStrategyOnADemoRecordingChoosesDifferentlyAndTheSameEachTime() throws IOException {
    CallRecording recording = demoRecording();
    ReplayStats recorded = ReplayStats.of(recording);
    assertThat(recorded.calls).isEqualTo(2_000);
    // peak EWMA sent little to the slow server
    assertThat((double) recorded.attempts[1] / recorded.totalAttempts()).isLessThan(0.05);

    Variant roundRobin = Catalog.variant("roundRobin", "load", "failFast");
    ReplayResult first = new Replay(recording, roundRobin, Replay.Options.seed(SEED)).run();
    ReplayResult second = new Replay(recording, roundRobin, Replay.Options.seed(SEED)).run();

    // What round robin would have done: a third of the calls to the slow server, a slower p99.
    assertThat(first.run().requests()).isEqualTo(2_000);
    assertThat(first.run().share(1)).isBetween(0.33, 0.34);
    assertThat(first.run().percentileMillis(0.99)).isGreaterThan(199.0);
    assertThat(ReplayStats.firstDifference(recorded.picks, ReplayStats.picks(first)))
        .isNotNegative();
    // ...and exactly the same again.
    assertThat(ReplayStats.picks(second)).isEqualTo(ReplayStats.picks(first));
    assertThat(second.run().percentileMillis(0.99)).isEqualTo(first.run().percentileMillis(0.99));
    assertThat(second.run().percentileMillis(0.5)).isEqualTo(first.run().percentileMillis(0.5));
    assertThat(second.answers(RecordedServers.Source.WINDOW))
        .isEqualTo(first.answers(RecordedServers.Source.WINDOW));
  }

  @Test
  void theComparisonTableIsTheSameEachTime() throws IOException {
    CallRecording recording = demoRecording();
    List<Variant> variants = List.of(Catalog.variant("roundRobin", "load", "failFast"),
        Catalog.variant("powerOfTwoChoices", "load", "retry3"));
    String once = ReplayMain.compare("demo.lbrec", recording, variants,
        Replay.Options.seed(SEED));
    String twice = ReplayMain.compare("demo.lbrec", recording, variants,
        Replay.Options.seed(SEED));
    assertThat(once).isEqualTo(twice)
        .contains("| recorded | - | - | - | 2000 | 100.00% |")
        .contains("| roundRobin / load / failFast | 100.00% |")
        .contains("| powerOfTwoChoices / load / retry3 | 100.00% |");
  }

  @Test
  void anExactAnswerIsUsedUpThenTheWindowAndTheNearestStandIn() throws IOException {
    CallRecording recording = demoRecording();
    RecordedServers servers = new RecordedServers(recording, 0, new SplittableRandom(1));
    RecordedEvent.AttemptEnded last = null;
    for (RecordedEvent e : recording.events()) {
      if (e instanceof RecordedEvent.AttemptEnded a && a.server() == 0) {
        last = a;
      }
    }
    assertThat(last).isNotNull();
    long start = last.timeNanos() - last.durationNanos();
    // exact (used up), then from the +-0 window, then the nearest of the same server
    assertThat(servers.answer(0, start).durationNanos()).isEqualTo(last.durationNanos());
    assertThat(servers.answer(0, start).durationNanos()).isEqualTo(last.durationNanos());
    assertThat(servers.answer(0, start + 1).durationNanos()).isEqualTo(last.durationNanos());
    assertThat(servers.answers(RecordedServers.Source.EXACT)).isEqualTo(1);
    assertThat(servers.answers(RecordedServers.Source.WINDOW)).isEqualTo(1);
    assertThat(servers.answers(RecordedServers.Source.NEAREST)).isEqualTo(1);
  }

  @Test
  void aServerNeverCalledAnswersLikeTheClusterDidThen() throws IOException {
    ManualTicker ticker = new ManualTicker();
    Server called = Server.of("10.0.0.1", 80);
    Server idle = Server.of("10.0.0.2", 80);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CallRecorder recorder = CallRecorder.to(ticker, ServerPool.of(called, idle).snapshot(), bytes);
    for (int i = 1; i <= 3; i++) {
      ticker.advance(Duration.ofSeconds(10));
      recorder.onAttemptEnded(AttemptKind.FIRST, called, Outcome.SUCCESS, i * 1_000_000L);
    }
    recorder.close();
    CallRecording recording = CallRecording.read(new ByteArrayInputStream(bytes.toByteArray()));
    RecordedServers servers = new RecordedServers(recording, 1_000_000_000L,
        new SplittableRandom(1));
    // the idle server at 20 s answers as the called one did around 20 s: 2 ms
    assertThat(servers.answer(1, 20_000_000_000L - 2_000_000L).durationNanos())
        .isEqualTo(2_000_000L);
    assertThat(servers.answer(1, 0).durationNanos()).isEqualTo(1_000_000L); // the nearest
    assertThat(servers.answers(RecordedServers.Source.POOLED)).isEqualTo(2);
  }

  @Test
  void theReadmeWhatIfRecordsScenarioTwoUnderPeakEwmaAndReplaysIt() throws IOException {
    String file = dir.resolve("peak.lbrec").toString();
    assertThat(ReplayMain.run(new String[] {"record", file, "--scenario", "2", "--strategy",
        "peakEwma"})).contains("60100 calls, 60100 attempts, success 100.00%, p50 13.77 ms, "
        + "p99 74.4 ms");
    String table = ReplayMain.run(new String[] {file, "--strategy", "peakEwma", "--strategy",
        "roundRobin", "--strategy", "p2c"});
    assertThat(table)
        .contains("| recorded | - | - | - | 60100 | 100.00% | 13.77 | 74.4 | 37.26% | 29.49% | "
            + "0.62% | 17.51% | 15.11% | | |")
        .contains("| peakEwma / load / failFast | 100.00% | 13.77 | 74.4 | 60100 | 100.00% | "
            + "13.77 | 74.4 | 37.26% | 29.49% | 0.62% | 17.51% | 15.11% | all 60100 | "
            + "60100 / 0 / 0 / 0 |")
        .contains("| roundRobin / load / failFast | 100.00% | 20.45 | 453.12 | 60100 |")
        .contains("| powerOfTwoChoices / load / failFast | 100.00% | 14.96 | 240.31 | 60100 |");
  }

  @Test
  void badInputIsNamed() throws IOException {
    assertThatThrownBy(() -> ReplayMain.run(new String[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no recording given");
    assertThatThrownBy(() -> ReplayMain.run(new String[] {"x.lbrec", "--strategy", "fastest"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("strategy: fastest (expected: one of [roundRobin");
    assertThatThrownBy(() -> ReplayMain.run(new String[] {"x.lbrec", "--speed", "1"}))
        .hasMessageStartingWith("option: --speed (expected: one of --strategy");
    assertThatThrownBy(() -> ReplayMain.run(new String[] {"x.lbrec", "--seed"}))
        .hasMessage("--seed: no value (expected: --seed VALUE)");
    assertThatThrownBy(() -> ReplayMain.run(new String[] {"x.lbrec", "--timeout-ms", "0"}))
        .hasMessageStartingWith("--timeout-ms: 0 (expected: 1..");
    Path missing = dir.resolve("missing.lbrec");
    assertThatThrownBy(() -> ReplayMain.run(new String[] {missing.toString()}))
        .isInstanceOf(IOException.class).hasMessageContaining("missing.lbrec");
    assertThatThrownBy(() -> new Replay.Options(1, 0, 0, -1))
        .hasMessage("attemptTimeoutNanos: 0 (expected: > 0)");
  }

  @Test
  void aRecordingWithoutAnsweredAttemptsCannotModelServers() throws IOException {
    ManualTicker ticker = new ManualTicker();
    ServerPool pool = ServerPool.of(Server.of("10.0.0.1", 80));
    Path file = dir.resolve("empty.lbrec");
    try (LoadBalancer lb = LoadBalancer.builder(pool).strategy(Strategies.roundRobin())
        .tracker(LoadTracker.create(ticker)).ticker(ticker)
        .scheduler(new ManualScheduler(ticker)).executor(Runnable::run).build()) {
      CallRecorder.attach(lb, file).close();
    }
    CallRecording empty = CallRecording.read(file);
    assertThatThrownBy(() -> new Replay(empty, Catalog.variant("roundRobin", "load", "failFast"),
        Replay.Options.seed(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recording: no attempt with an outcome (expected: at least one, to model "
            + "the servers' answers from)");
  }
}
