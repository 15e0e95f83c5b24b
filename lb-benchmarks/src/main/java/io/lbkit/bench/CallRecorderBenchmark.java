package io.lbkit.bench;

import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Ticker;
import io.lbkit.failover.AttemptKind;
import io.lbkit.failover.CallRecorder;
import io.lbkit.failover.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording costs a call: one attempt's end written by {@link CallRecorder} (lock, ticker
 * read, encoding, buffered write) to a stream that discards the bytes, so the disk is not
 * measured. One thread, and four racing for the recorder's lock.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallRecorderBenchmark {
  private static final OutputStream DISCARD = new OutputStream() {
    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  };

  private Server[] servers;
  private CallRecorder recorder;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    servers = BenchPools.servers(10).toArray(new Server[0]);
    recorder = CallRecorder.to(Ticker.system(), ServerPool.of(servers).snapshot(), DISCARD);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    recorder.close();
  }

  @Benchmark
  @Threads(1)
  public void attemptEnded() {
    recorder.onAttemptEnded(AttemptKind.FIRST, servers[3], Outcome.SUCCESS, 12_345_678L);
  }

  @Benchmark
  @Threads(4)
  public void attemptEnded4Threads() {
    recorder.onAttemptEnded(AttemptKind.FIRST, servers[3], Outcome.SUCCESS, 12_345_678L);
  }
}
