package io.lbkit.bench.sim;

import io.lbkit.failover.CallRecording;
import io.lbkit.failover.Outcome;
import io.lbkit.failover.RecordedEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How the recorded servers answer in a replay: an attempt sent to server {@code s} at virtual
 * time {@code t} gets the outcome and latency of one of {@code s}'s recorded attempts.
 *
 * <pre>
 * 1. exact    an unused recorded attempt of s that started at t exactly, the first in recorded
 *             order; it is used up. A replay with the recording's own strategy, config and seed
 *             only ever takes this branch, so it makes the same picks.
 * 2. window   otherwise one of s's answered attempts that started within +-window of t,
 *             uniformly (seeded): the server as it behaved around then.
 * 3. nearest  none that close: s's answered attempt nearest in time.
 * 4. pooled   s never answered in the recording (never called, or only cancelled copies): steps
 *             2-3 over every server's answered attempts, so a server nobody called behaves like
 *             the cluster did at that time.
 * </pre>
 *
 * A cancelled recorded attempt (a losing hedge or fork) only says the server had not answered
 * by its cancel; it is used by step 1 alone, and answers never (the attempt's timeout, or its
 * own cancel, ends it). Event-loop thread only.
 */
final class RecordedServers {
  /**
   * One recorded attempt: its start, how long it took, its outcome (null: cancelled), and its
   * place in the recording (the order of its end among others at the same time).
   */
  record Sample(long startNanos, long durationNanos, Outcome outcome, int order) {}

  /** How an answer was found, for the report; see the class comment. */
  enum Source { EXACT, WINDOW, NEAREST, POOLED }

  private final long windowNanos;
  private final SplittableRandom random;
  private final List<Map<Long, ArrayDeque<Sample>>> exact = new ArrayList<>();
  private final Series[] answered;
  private final Series all;
  private final long[] sources = new long[Source.values().length];

  RecordedServers(CallRecording recording, long windowNanos, SplittableRandom random) {
    this.windowNanos = windowNanos;
    this.random = random;
    int n = recording.servers().size();
    List<List<Sample>> byServer = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      exact.add(new HashMap<>());
      byServer.add(new ArrayList<>());
    }
    List<Sample> pooled = new ArrayList<>();
    List<RecordedEvent> events = recording.events();
    for (int order = 0; order < events.size(); order++) {
      RecordedEvent e = events.get(order);
      int server;
      Sample s;
      if (e instanceof RecordedEvent.AttemptEnded a) {
        server = a.server();
        s = new Sample(a.timeNanos() - a.durationNanos(), a.durationNanos(), a.outcome(),
            order);
        byServer.get(server).add(s);
        pooled.add(s);
      } else if (e instanceof RecordedEvent.AttemptCancelled c) {
        server = c.server();
        s = new Sample(c.timeNanos() - c.durationNanos(), c.durationNanos(), null, order);
      } else {
        continue;
      }
      exact.get(server).computeIfAbsent(s.startNanos(), k -> new ArrayDeque<>()).add(s);
    }
    if (pooled.isEmpty()) {
      throw new IllegalArgumentException("recording: no attempt with an outcome (expected: at "
          + "least one, to model the servers' answers from)");
    }
    answered = new Series[n];
    for (int i = 0; i < n; i++) {
      answered[i] = byServer.get(i).isEmpty() ? null : new Series(byServer.get(i));
    }
    all = new Series(pooled);
  }

  /** The answer of {@code server} to an attempt sent at {@code nowNanos}. */
  Sample answer(int server, long nowNanos) {
    Sample s = exact(server, nowNanos);
    return s != null ? s : drawn(server, nowNanos);
  }

  /** Step 1 alone: the recorded attempt of {@code server} that started then, or null. */
  Sample exact(int server, long nowNanos) {
    ArrayDeque<Sample> same = exact.get(server).get(nowNanos);
    if (same == null || same.isEmpty()) {
      return null;
    }
    sources[Source.EXACT.ordinal()]++;
    return same.poll();
  }

  /** Steps 2-4. */
  Sample drawn(int server, long nowNanos) {
    Series s = answered[server];
    if (s == null) {
      sources[Source.POOLED.ordinal()]++;
      Sample near = all.within(nowNanos, windowNanos, random);
      return near != null ? near : all.nearest(nowNanos);
    }
    Sample near = s.within(nowNanos, windowNanos, random);
    if (near != null) {
      sources[Source.WINDOW.ordinal()]++;
      return near;
    }
    sources[Source.NEAREST.ordinal()]++;
    return s.nearest(nowNanos);
  }

  /** How many answers came from {@code source}. */
  long answers(Source source) {
    return sources[source.ordinal()];
  }

  /** Answered attempts of one server (or all), sorted by start, for the window and nearest. */
  private static final class Series {
    private final long[] starts;
    private final Sample[] samples;

    Series(List<Sample> in) {
      samples = in.toArray(new Sample[0]);
      // Stable: equal starts keep the recorded order, so the draw does not depend on the sort.
      Arrays.sort(samples, (a, b) -> Long.compare(a.startNanos(), b.startNanos()));
      starts = new long[samples.length];
      for (int i = 0; i < samples.length; i++) {
        starts[i] = samples[i].startNanos();
      }
    }

    Sample within(long t, long window, SplittableRandom random) {
      int from = lowerBound(t - window);
      int to = lowerBound(t + window + 1);
      return from < to ? samples[from + random.nextInt(to - from)] : null;
    }

    Sample nearest(long t) {
      int i = lowerBound(t);
      if (i == samples.length) {
        return samples[i - 1];
      }
      if (i == 0) {
        return samples[0];
      }
      return t - starts[i - 1] <= starts[i] - t ? samples[i - 1] : samples[i];
    }

    /** The first index whose start is >= {@code t}. */
    private int lowerBound(long t) {
      int lo = 0;
      int hi = starts.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (starts[mid] < t) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
