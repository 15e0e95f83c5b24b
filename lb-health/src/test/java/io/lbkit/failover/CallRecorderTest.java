package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.Attempt;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.failover.RecordedEvent.AttemptCancelled;
import io.lbkit.failover.RecordedEvent.AttemptEnded;
import io.lbkit.failover.RecordedEvent.BudgetRefused;
import io.lbkit.failover.RecordedEvent.CallStarted;
import io.lbkit.failover.RecordedEvent.ChooseRefused;
import io.lbkit.failover.RecordedEvent.EndMarked;
import io.lbkit.failover.RecordedEvent.PoolChanged;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording file: what is written, read back exactly; many writers; broken files. */
class CallRecorderTest {
  private static final long MS = 1_000_000L;

  private final ManualTicker ticker = new ManualTicker(5_000 * MS); // origin is not 0
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final CountingTracker tracker = new CountingTracker(ticker);
  private final Server a = Server.of("10.0.0.1", 80);
  private final Server b = Server.builder("10.0.0.2", 80).weight(3).zone("eu-1").priority(1)
      .metadata("role", "replica").build();
  private final Server c = Server.of("10.0.0.3", 80);
  private final ServerPool pool = ServerPool.of(a, b);

  private LoadBalancer balancer(Failover failover) {
    return LoadBalancer.builder(pool).rebuildExecutor(Runnable::run)
        .strategy(Strategies.roundRobin()).tracker(tracker).failover(failover)
        .budget(RetryBudget.unlimited()).ticker(ticker).random(RandomSource.seeded(3))
        .scheduler(scheduler).executor(Runnable::run).build();
  }

  @Test
  void readsBackEveryEventWithItsTimeServerAndRequest(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.lbrec");
    List<Server> tried = new ArrayList<>();
    long t;
    try (LoadBalancer lb = balancer(Failover.retry(2))) {
      CallRecorder recorder = CallRecorder.attach(lb, file);
      ticker.advance(Duration.ofMillis(10));
      lb.execute(Request.withKey("user-42"), s -> {
        tried.add(s);
        ticker.advance(Duration.ofMillis(7));
        return "ok";
      });
      pool.add(c);
      ticker.advance(Duration.ofMillis(3));
      Request idempotentLong = Request.builder().key(7L).idempotent(true).build();
      lb.execute(idempotentLong, s -> {
        tried.add(s);
        ticker.advance(Duration.ofMillis(5));
        if (tried.size() == 2) {
          throw new ConnectException("refused");
        }
        return "ok";
      });
      t = ticker.read() - 5_000 * MS; // after the retry's backoff (jittered, seeded)
      assertThatThrownBy(() -> lb.execute(
          Request.builder().write(true).exclude(a).exclude(b).exclude(c).build(), s -> "never"))
          .isInstanceOf(NoServerAvailableException.class);
      Attempt handle = lb.begin(Request.NONE);
      ticker.advance(Duration.ofMillis(2));
      handle.close(); // no end: a cancel
      recorder.markEnd();
      lb.execute(s -> "after the mark"); // not a recorded call, but its attempt is
      recorder.close();
      assertThat(recorder.events()).isEqualTo(13);
    }

    CallRecording r = CallRecording.read(file);
    assertThat(r.originNanos()).isEqualTo(5_000 * MS);
    assertThat(r.servers()).containsExactly(a, b, c);
    assertThat(r.servers().get(1).metadata()).containsEntry("role", "replica");
    int first = r.servers().indexOf(tried.get(0));
    int second = r.servers().indexOf(tried.get(1));
    int third = r.servers().indexOf(tried.get(2));
    assertThat(r.events()).containsExactly(
        new PoolChanged(0, List.of(0, 1)),
        new CallStarted(10 * MS, "user-42", false, false),
        new AttemptEnded(17 * MS, AttemptKind.FIRST, first, Outcome.SUCCESS, 7 * MS),
        new PoolChanged(17 * MS, List.of(0, 1, 2)),
        new CallStarted(20 * MS, 7L, true, false),
        new AttemptEnded(25 * MS, AttemptKind.FIRST, second, Outcome.NOT_SENT, 5 * MS),
        new AttemptEnded(t, AttemptKind.RETRY, third, Outcome.SUCCESS, 5 * MS),
        new CallStarted(t, null, false, true),
        new ChooseRefused(t, NoServerAvailableException.Reason.ALL_EXCLUDED),
        new CallStarted(t, null, false, false),
        new AttemptCancelled(t + 2 * MS, AttemptKind.FIRST, 1, 2 * MS),
        new EndMarked(t + 2 * MS),
        new AttemptEnded(t + 2 * MS, AttemptKind.FIRST, 2, Outcome.SUCCESS, 0));
    assertThat(r.endNanos()).isEqualTo(t + 2 * MS);
    CallStarted keyed = (CallStarted) r.events().get(4);
    assertThat(keyed.request().key()).isEqualTo(7L);
    assertThat(keyed.request().isIdempotent()).isTrue();
    assertThat(keyed.request().keyHash()).isEqualTo(idempotentLongHash());
  }

  private static long idempotentLongHash() {
    return Request.withKey(7L).keyHash();
  }

  @Test
  void budgetRefusalsAreRecorded() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CallRecorder recorder = CallRecorder.to(ticker, pool.snapshot(), bytes);
    ticker.advance(Duration.ofMillis(1));
    recorder.onBudgetRefused(AttemptKind.HEDGE);
    recorder.close();
    recorder.onBudgetRefused(AttemptKind.RETRY); // after close: ignored
    CallRecording r = CallRecording.read(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(r.events()).containsExactly(new PoolChanged(0, List.of(0, 1)),
        new BudgetRefused(MS, AttemptKind.HEDGE), new EndMarked(MS));
  }

  @Test
  void writersOnManyThreadsLoseNothingAndKeepEachThreadsOrder() throws Exception {
    int threads = 4;
    int perThread = 5_000;
    Server[] servers = new Server[threads];
    for (int t = 0; t < threads; t++) {
      servers[t] = Server.of("10.0.1." + (t + 1), 80);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CallRecorder recorder = CallRecorder.to(ticker, ServerPool.of(servers).snapshot(), bytes);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Server s = servers[t];
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            recorder.onAttemptEnded(AttemptKind.FIRST, s, Outcome.SUCCESS, i); // i: the order
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    recorder.close();

    CallRecording r = CallRecording.read(new ByteArrayInputStream(bytes.toByteArray()));
    long[] next = new long[threads];
    for (RecordedEvent e : r.events()) {
      if (e instanceof AttemptEnded ended) {
        assertThat(ended.durationNanos()).isEqualTo(next[ended.server()]);
        next[ended.server()]++;
      }
    }
    long[] all = new long[threads];
    Arrays.fill(all, perThread);
    assertThat(next).containsExactly(all);
    // Compact: tag, time delta, kind, index, outcome, duration: 6-7 bytes an attempt here.
    assertThat(bytes.size()).isLessThan(threads * perThread * 8);
  }

  @Test
  void everyTruncationIsReportedWithWhatWasExpected() throws Exception {
    byte[] whole = sample();
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(cut)))
          .as("cut at %d of %d bytes", n, whole.length)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("(expected: ");
    }
    assertThat(CallRecording.read(new ByteArrayInputStream(whole)).events()).hasSize(4);
  }

  @Test
  void aCutInsideAnAttemptNamesTheFieldItStoppedAt() throws Exception {
    byte[] whole = sample();
    // From the end: the end record (2 bytes), the mark (2), the attempt's duration, outcome and
    // server index (1 each).
    byte[] cut = Arrays.copyOf(whole, whole.length - 2 - 2 - 1 - 1 - 1);
    assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(cut)))
        .hasMessageStartingWith("recording: truncated after 2 events and 2 servers")
        .hasMessageEndingWith("(expected: the server index of an attempt)");
  }

  @Test
  void corruptBytesAreReportedPrecisely() throws Exception {
    byte[] whole = sample();
    byte[] magic = whole.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(magic)))
        .hasMessageContaining("not a call recording: magic 0x");
    byte[] version = whole.clone();
    version[5] = 2;
    assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(version)))
        .hasMessage("recording: format version 2 (expected: 1)");
    byte[] tag = whole.clone();
    tag[whole.length - 2] = 99; // the end record's tag
    assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(tag)))
        .hasMessage("recording: record tag 99 after 4 events and 2 servers "
            + "(expected: a record tag (0..8))");
    byte[] count = whole.clone();
    count[whole.length - 1] = 7;
    assertThatThrownBy(() -> CallRecording.read(new ByteArrayInputStream(count)))
        .hasMessageContaining("the end record counts 7 events but 4 were read");
  }

  @Test
  void aMissingFileIsAnIoErrorNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("none.lbrec");
    assertThatThrownBy(() -> CallRecording.read(missing)).isInstanceOf(IOException.class)
        .hasMessageContaining("none.lbrec");
    assertThat(Files.exists(missing)).isFalse();
  }

  @Test
  void aFailingSinkStopsTheRecordingButNotTheBalancer() throws Exception {
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int x) throws IOException {
        throw new IOException("disk full");
      }
    };
    try (LoadBalancer lb = balancer(Failover.failFast())) {
      CallRecorder recorder = CallRecorder.attach(lb, broken); // the header stays buffered
      for (int i = 0; i < 20_000; i++) { // well past the 64 KiB buffer
        String answer = lb.execute(Request.withKey("key-" + i), s -> "ok");
        assertThat(answer).isEqualTo("ok");
      }
      long written = recorder.events();
      lb.execute(s -> "ok");
      assertThat(recorder.events()).isEqualTo(written); // stopped at the first failure
      assertThatThrownBy(recorder::close).isInstanceOf(IOException.class)
          .hasMessageStartingWith("recording failed after ")
          .hasRootCauseMessage("disk full");
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> CallRecorder.attach(null, new ByteArrayOutputStream()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("balancer");
    assertThatThrownBy(() -> CallRecorder.to(ticker, pool.snapshot(), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("sink");
  }

  /** A pool of a and b, one call, one attempt, the mark: 4 events, 2 servers. */
  private byte[] sample() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CallRecorder recorder = CallRecorder.to(ticker, pool.snapshot(), bytes);
    recorder.onCallStarted(Request.NONE);
    ticker.advance(Duration.ofMillis(1));
    recorder.onAttemptEnded(AttemptKind.FIRST, b, Outcome.FAILURE, 100);
    recorder.close();
    return bytes.toByteArray();
  }
}
