package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The polling engine through its plainest user: when it calls, what it does with answers. */
class PollingSourceTest {
  private static final Server A = Server.of("10.0.0.1", 80);
  private static final Server B = Server.of("10.0.0.2", 80);

  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ServerPool pool = ServerPool.empty();
  private final Recorder recorder = new Recorder();
  private final List<Long> callTimes = new ArrayList<>();

  private Discovery start(ServerSource source, long seed) {
    return Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(seed)).listener(recorder).start();
  }

  /** A lookup that notes when it ran and answers from a script, the last answer repeating. */
  private Callable<List<Server>> script(Object... answers) {
    List<Object> left = new ArrayList<>(Arrays.asList(answers)); // nulls allowed
    return () -> {
      callTimes.add(ticker.read());
      Object next = left.size() > 1 ? left.remove(0) : left.get(0);
      if (next instanceof Exception) {
        throw (Exception) next;
      }
      @SuppressWarnings("unchecked")
      List<Server> servers = (List<Server>) next;
      return servers;
    };
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  @Test
  void looksUpAtStartThenAfterEveryIntervalFromTheLastAnswer() {
    PollingSource source = PollingSource.of(script(List.of(A)), Polling.every(Duration.ofSeconds(10)));
    try (Discovery d = start(source, 1)) {
      assertThat(pool.servers()).containsExactly(A);
      scheduler.advance(Duration.ofSeconds(10).minusNanos(1));
      assertThat(callTimes).containsExactly(0L);
      scheduler.advance(Duration.ofSeconds(25).plusNanos(1));
      assertThat(callTimes).containsExactly(0L, seconds(10), seconds(20), seconds(30));
    }
  }

  /** When the calls of a lookup that fails 8 times, then answers, happen over 120 s. */
  private static List<Long> backoffRun(long seed, Polling polling) {
    ManualTicker clock = new ManualTicker();
    ManualScheduler timers = new ManualScheduler(clock);
    List<Long> times = new ArrayList<>();
    int[] calls = {0};
    Callable<List<Server>> lookup = () -> {
      times.add(clock.read());
      if (++calls[0] <= 8) {
        throw new IOException("registry down");
      }
      return List.of(A);
    };
    try (Discovery d = Discovery.builder(PollingSource.of(lookup, polling), ServerPool.empty())
        .ticker(clock).scheduler(timers).executor(Runnable::run)
        .random(RandomSource.seeded(seed)).start()) {
      timers.advance(Duration.ofSeconds(120));
    }
    return times;
  }

  @Test
  void failuresBackOffDoublingWithinTwentyPercentUpToTheCapAndAnAnswerResetsIt() {
    Polling polling = Polling.builder().interval(Duration.ofSeconds(10))
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).build();
    List<Long> times = backoffRun(42, polling);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(times.get(i) - times.get(i - 1));
    }
    double[] base = {1, 2, 4, 8, 8, 8, 8, 8};
    for (int i = 0; i < base.length; i++) {
      assertThat(gaps.get(i)).as("wait after failure %d", i + 1)
          .isBetween(seconds(base[i] * 0.8), Math.min(seconds(base[i] * 1.2), seconds(8)));
    }
    assertThat(gaps.subList(8, gaps.size())).as("after the answer: the interval")
        .isNotEmpty().allMatch(g -> g == seconds(10));
    // The jitter comes from the seeded source only: the same seed waits exactly the same, and
    // another seed differently.
    assertThat(backoffRun(42, polling)).isEqualTo(times);
    assertThat(backoffRun(43, polling)).isNotEqualTo(times);
  }

  @Test
  void aLookupThatThrowsReturnsNullOrInvalidServersLeavesThePoolAsItWas() {
    Polling polling = Polling.builder().interval(Duration.ofSeconds(1))
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build();
    PollingSource source = PollingSource.of(script(List.of(A, B),
        new IOException("registry down"),
        null,
        Arrays.asList(A, null),
        List.of(A, A.toBuilder().weight(2).build()),
        List.of(B)), polling);
    try (LogCapture log = new LogCapture(); Discovery d = start(source, 1)) {
      for (int i = 0; i < 100 && recorder.failures.size() < 4; i++) {
        scheduler.advance(Duration.ofMillis(100));
        assertThat(pool.servers()).containsExactly(A, B);
      }
      assertThat(recorder.failures).extracting(Throwable::getMessage).containsExactly(
          "registry down",
          "servers: null (expected: a list, empty if none)",
          "servers[1]: null (expected: non-null)",
          "servers[1].id: \"10.0.0.1:80\" (expected: unique within the list)");
      assertThat(log.lines("WARN")).hasSize(1);
      assertThat(log.lines("WARN").get(0)).contains("the source failed");

      scheduler.advance(Duration.ofSeconds(1));
      assertThat(pool.servers()).containsExactly(A.toBuilder().weight(0).build(), B);
      assertThat(d.status().consecutiveFailures()).isZero();
    }
  }

  @Test
  void aLookupThatHangsTimesOutAndItsLateAnswerIsDropped() {
    ArrayDeque<Runnable> held = new ArrayDeque<>();
    List<List<Server>> answers = new ArrayList<>(List.of(List.of(A), List.of(B)));
    Polling polling = Polling.builder().timeout(Duration.ofSeconds(5)).build();
    PollingSource source = PollingSource.of(() -> answers.remove(0), polling);
    try (Discovery d = Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(held::add).random(RandomSource.seeded(3)).listener(recorder).start()) {
      assertThat(held).hasSize(1); // the first call, not run yet
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(recorder.failures).hasSize(1);
      assertThat(recorder.failures.get(0)).isInstanceOf(TimeoutException.class)
          .hasMessage("polling source: no answer within 5 s");

      scheduler.advance(Polling.DEFAULT_INITIAL_BACKOFF.multipliedBy(2)); // past the backoff
      assertThat(held).hasSize(2);
      Runnable late = held.poll();
      held.poll().run(); // the second call answers [A]
      late.run(); // the first answers [B], too late
      assertThat(pool.servers()).containsExactly(A);
    }
  }

  @Test
  void refreshLooksUpNowUnlessALookupIsUnderWay() {
    ArrayDeque<Runnable> held = new ArrayDeque<>();
    PollingSource source = PollingSource.of(script(List.of(A)));
    try (Discovery d = Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(held::add).start()) {
      assertThat(d.refresh()).isTrue();
      scheduler.runDue();
      assertThat(held).hasSize(1); // the start's call is under way: no second one

      held.poll().run();
      scheduler.advance(Duration.ofSeconds(6));
      assertThat(d.refresh()).isTrue();
      scheduler.runDue();
      assertThat(held).hasSize(1);
      held.poll().run();
      assertThat(callTimes).containsExactly(0L, seconds(6));
      assertThat(source.loop().lookups()).isEqualTo(2);
    }
  }

  @Test
  void anEmptyAnswerIsRetriedOnTheBackoffSchedule() {
    PollingSource source = PollingSource.of(script(List.of()), Polling.builder()
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
    try (Discovery d = start(source, 1)) {
      scheduler.advance(Duration.ofMillis(3_600));
      assertThat(callTimes).hasSizeBetween(3, 5); // every 0.8 to 1 s, not every 30 s
      assertThat(d.status().consecutiveFailures()).isEqualTo(callTimes.size());
    }
  }

  @Test
  void theTtlIsClampedToItsBounds() {
    Polling p = Polling.builder().ttlBounds(Duration.ofSeconds(2), Duration.ofSeconds(60)).build();
    assertThat(p.afterAnswerNanos(Duration.ZERO)).isEqualTo(seconds(2));
    assertThat(p.afterAnswerNanos(Duration.ofSeconds(7))).isEqualTo(seconds(7));
    assertThat(p.afterAnswerNanos(Duration.ofDays(1))).isEqualTo(seconds(60));
    assertThat(p.afterAnswerNanos(null)).isEqualTo(seconds(30));
  }

  @Test
  void pollingHasTheDocumentedDefaultsAndRejectsBadSettings() {
    Polling p = Polling.defaults();
    assertThat(List.of(p.interval(), p.minTtl(), p.maxTtl(), p.initialBackoff(), p.maxBackoff(),
        p.timeout())).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30),
        Duration.ofSeconds(5));
    assertThat(Polling.every(Duration.ofSeconds(30))).isEqualTo(p);

    Polling.Builder b = Polling.builder();
    assertThatThrownBy(() -> b.interval(Duration.ZERO))
        .hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.ttlBounds(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessage("maxTtl: PT1S (expected: >= minTtl PT5S)");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("maxBackoff: PT1S (expected: >= initialBackoff PT2S)");
    assertThatThrownBy(() -> b.timeout(null)).hasMessage("timeout: null (expected: non-null)");
    assertThatThrownBy(() -> PollingSource.of(null))
        .hasMessage("lookup: null (expected: non-null)");
  }

  @Test
  void aSourceStartsOnce() {
    PollingSource source = PollingSource.of(script(List.of(A)));
    try (Discovery d = start(source, 1)) {
      assertThatThrownBy(() -> Discovery.builder(source, ServerPool.empty()).scheduler(scheduler)
          .executor(Runnable::run).start()).isInstanceOf(IllegalStateException.class)
          .hasMessage("source: polling source (expected: started once)");
    }
  }
}
