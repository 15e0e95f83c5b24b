package io.lbkit.bench.sim;

import io.lbkit.failover.CallRecording;
import io.lbkit.failover.RecordedEvent;
import java.util.Arrays;

/**
 * The recording's own figures, the baseline a replay is compared with: calls, attempts per
 * server, attempts' success and latency, and its picks (attempts by start time, each as {@code
 * start << 20 | server} so that sorting orders by time, then server; ties in time cannot keep
 * the order they were sent in, which the recording does not say).
 */
final class ReplayStats {
  private static final int SERVER_BITS = 20;

  final long calls;
  final long[] attempts;
  final long[] sortedLatencies;
  final long successes;
  final long[] picks;

  private ReplayStats(long calls, long[] attempts, long[] sortedLatencies, long successes,
      long[] picks) {
    this.calls = calls;
    this.attempts = attempts;
    this.sortedLatencies = sortedLatencies;
    this.successes = successes;
    this.picks = picks;
  }

  static ReplayStats of(CallRecording recording) {
    long calls = 0;
    long successes = 0;
    long[] attempts = new long[recording.servers().size()];
    long[] latencies = new long[1024];
    int ended = 0;
    long[] picks = new long[1024];
    int n = 0;
    for (RecordedEvent e : recording.events()) {
      int server;
      long start;
      if (e instanceof RecordedEvent.CallStarted) {
        calls++;
        continue;
      } else if (e instanceof RecordedEvent.AttemptEnded a) {
        server = a.server();
        start = a.timeNanos() - a.durationNanos();
        if (ended == latencies.length) {
          latencies = Arrays.copyOf(latencies, ended * 2);
        }
        latencies[ended++] = a.durationNanos();
        if (a.outcome().isSuccess()) {
          successes++;
        }
      } else if (e instanceof RecordedEvent.AttemptCancelled c) {
        server = c.server();
        start = c.timeNanos() - c.durationNanos();
      } else {
        continue;
      }
      attempts[server]++;
      if (n == picks.length) {
        picks = Arrays.copyOf(picks, n * 2);
      }
      picks[n++] = pick(start, server);
    }
    long[] sorted = Arrays.copyOf(latencies, ended);
    Arrays.sort(sorted);
    long[] p = Arrays.copyOf(picks, n);
    Arrays.sort(p);
    return new ReplayStats(calls, attempts, sorted, successes, p);
  }

  /** A replay's picks in the same encoding and order. */
  static long[] picks(ReplayResult r) {
    long[] p = new long[r.picks()];
    for (int i = 0; i < p.length; i++) {
      p[i] = pick(r.pickTime(i), r.pickServer(i));
    }
    Arrays.sort(p);
    return p;
  }

  private static long pick(long start, int server) {
    return start << SERVER_BITS | server;
  }

  /** The index of the first pick that differs, or -1 when both lists are the same. */
  static int firstDifference(long[] a, long[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return a.length == b.length ? -1 : n;
  }

  static double pickTimeMillis(long pick) {
    return (pick >> SERVER_BITS) / 1e6;
  }

  long totalAttempts() {
    long t = 0;
    for (long a : attempts) {
      t += a;
    }
    return t;
  }

  double successRate() {
    return sortedLatencies.length == 0 ? 1.0 : (double) successes / sortedLatencies.length;
  }

  static double percentileMillis(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(rank, sorted.length) - 1)] / 1e6;
  }
}
