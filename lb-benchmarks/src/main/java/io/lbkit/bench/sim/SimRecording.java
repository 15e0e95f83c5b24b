package io.lbkit.bench.sim;

import io.lbkit.failover.CallRecorder;
import io.lbkit.failover.LoadBalancer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Records a simulator run's balancer to a file, as an application would record its own: the
 * recorder is attached before the first event, marks the end at the scenario's end (so that a
 * replay ticks health exactly as long), and is closed after the calls in flight finished.
 */
public final class SimRecording {
  private SimRecording() {}

  /** Runs {@code variant} through {@code scenario} with {@code seed}, recording it to {@code file}. */
  public static RunResult record(Scenario scenario, Variant variant, long seed, Path file)
      throws IOException {
    Simulation sim = new Simulation(scenario, variant, seed);
    LoadBalancer lb = sim.balancer();
    if (lb == null) {
      throw new IllegalArgumentException("variant: " + variant.label() + " on " + scenario
          + " with " + scenario.clients() + " client(s) (expected: one client with a "
          + "LoadBalancer policy, the only run that can be recorded)");
    }
    CallRecorder recorder = CallRecorder.attach(lb, file);
    sim.atEnd(recorder::markEnd);
    RunResult result;
    try {
      result = sim.run();
    } catch (RuntimeException e) {
      try {
        recorder.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    recorder.close();
    return result;
  }

  /** Records a replay of its own to {@code file} in the same way, to compare with the original. */
  static ReplayResult record(Replay replay, Path file) {
    try {
      CallRecorder recorder = CallRecorder.attach(replay.balancer(), file);
      replay.atEnd(recorder::markEnd);
      ReplayResult r = replay.run();
      recorder.close();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
