package io.lbkit.health;

import io.lbkit.RandomSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Passive ejection policy, as pure decisions over the servers' state: whether a failure streak
 * ejects, which servers an interval's figures make outliers (success rate, failure percentage,
 * latency), whether the max-ejection-percent allows one more ejection, and how long an ejection
 * lasts. It holds nothing but its config and the random source of the jitter; the state it
 * decides about lives in {@link ServerHealth}, which makes the transitions. Runs under the
 * monitor's lock.
 *
 * <pre>
 * Ejection time of the k-th ejection in a row: min(base × k, max(base, cap)) + jitter,
 *   k grows by one per ejection, stops growing once base × k reaches the cap (so that it falls
 *   back below the cap after one healthy interval, as Envoy), and falls by one per interval in
 *   which the server is not ejected ({@link ServerHealth#intervalPassed}).
 * Max ejection percent: one more is allowed when (ejected + 1) × 100 <= max% × total, counting
 *   the server about to be ejected (envoy#27066), or when none is and alwaysAllowOne is set.
 * </pre>
 */
final class Ejector {
  private final HealthConfig config;
  private final RandomSource random;
  private final long baseNanos;
  private final long maxNanos;
  private final long jitterNanos;
  private final int maxMultiplier;

  Ejector(HealthConfig config, RandomSource random) {
    this.config = config;
    this.random = random;
    EjectionLimits limits = config.ejection;
    this.baseNanos = limits.baseTime().toNanos();
    this.maxNanos = Math.max(baseNanos, limits.maxTime().toNanos());
    this.jitterNanos = limits.jitter().toNanos();
    this.maxMultiplier = (int) Math.min(Integer.MAX_VALUE, (maxNanos + baseNanos - 1) / baseNanos);
  }

  /**
   * The consecutive-failure rule: a streak ejects when it reaches the threshold, and while the
   * max-ejection-percent refuses, every further failure of the same streak asks again (an
   * ejection resets the streak). Envoy asks once per streak and leaves the rest to the interval
   * detectors, but those need 5 hosts: in a pool of three whose one allowed ejection is taken, a
   * dead server would stay in rotation until its streak broke.
   */
  boolean streakEjects(int streak) {
    ConsecutiveFailures cf = config.consecutiveFailures;
    return cf != null && streak >= cf.threshold();
  }

  /** Whether the max-ejection-percent allows one more passive ejection among {@code members}. */
  boolean mayEject(Collection<ServerHealth> members, long now) {
    int total = 0;
    int ejected = 0;
    for (ServerHealth m : members) {
      if (m.server.weight() > 0) {
        total++;
        if (m.isEjectedAt(now)) {
          ejected++;
        }
      }
    }
    return mayEject(ejected, total);
  }

  /** The max-ejection-percent rule over counts. */
  boolean mayEject(int ejected, int total) {
    if (total <= 0) {
      return false;
    }
    EjectionLimits limits = config.ejection;
    return (ejected + 1) * 100.0 <= limits.maxPercent() * total
        || (limits.alwaysAllowOne() && ejected == 0);
  }

  /** The multiplier k of the next ejection in a row, after one at {@code k}. */
  int nextMultiplier(int k) {
    return k < maxMultiplier ? k + 1 : k;
  }

  /** How long an ejection at multiplier {@code k} lasts, jitter included. */
  long ejectionNanos(int k) {
    long d = Math.min(baseNanos * k, maxNanos);
    if (jitterNanos > 0) {
      d += (long) (random.nextDouble() * (jitterNanos + 1));
    }
    return d;
  }

  /**
   * The outliers among an interval's {@code samples} (servers not ejected, with weight and calls),
   * in the order to try them: success-rate outliers worst first, then failure-percentage ones,
   * then latency ones, each with its reason. A server may appear under several reasons; the first
   * ejection wins.
   *
   * @param latency a server's latency signal: min(EWMA now, mean over the interval)
   */
  List<Outlier> outliers(List<Sample> samples, ToDoubleFunction<Sample> latency) {
    List<Outlier> out = new ArrayList<>();
    successRate(samples, out);
    failurePercentage(samples, out);
    latency(samples, latency, out);
    return out;
  }

  private void successRate(List<Sample> samples, List<Outlier> out) {
    SuccessRate sr = config.successRate;
    if (sr == null) {
      return;
    }
    List<Sample> eligible = eligible(samples, sr.requestVolume());
    if (eligible.size() < sr.minimumHosts()) {
      return;
    }
    double[] rates = new double[eligible.size()];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = eligible.get(i).successPercent();
    }
    double threshold = OutlierMath.successRateThreshold(rates, sr.stdevFactor());
    eligible.sort(Comparator.comparingDouble(Sample::successPercent));
    for (Sample s : eligible) {
      if (s.successPercent() < threshold) {
        out.add(new Outlier(s.health, EjectionReason.SUCCESS_RATE));
      }
    }
  }

  private void failurePercentage(List<Sample> samples, List<Outlier> out) {
    FailurePercentage fp = config.failurePercentage;
    if (fp == null) {
      return;
    }
    List<Sample> eligible = eligible(samples, fp.requestVolume());
    if (eligible.size() < fp.minimumHosts()) {
      return;
    }
    eligible.sort(Comparator.comparingDouble(Sample::successPercent));
    for (Sample s : eligible) {
      if (100.0 - s.successPercent() >= fp.thresholdPercent()) {
        out.add(new Outlier(s.health, EjectionReason.FAILURE_PERCENTAGE));
      }
    }
  }

  /*
   * A server's latency signal is min(EWMA now, mean latency over the interval): both must be
   * high, so a single late spike (EWMA jumps to the peak) or an early spike that has since
   * decayed (mean still high) does not eject; only latency that stayed high for the interval.
   */
  private void latency(List<Sample> samples, ToDoubleFunction<Sample> signalOf,
      List<Outlier> out) {
    LatencyEjection le = config.latency;
    if (le == null) {
      return;
    }
    List<Sample> eligible = eligible(samples, le.requestVolume());
    if (eligible.size() < le.minimumHosts()) {
      return;
    }
    double[] signal = new double[eligible.size()];
    for (int i = 0; i < signal.length; i++) {
      Sample s = eligible.get(i);
      s.latency = Math.min(signalOf.applyAsDouble(s), (double) s.latencyNanos / s.requests);
      signal[i] = s.latency;
    }
    double threshold = le.factor() * OutlierMath.median(signal);
    eligible.sort(Comparator.comparingDouble((Sample s) -> s.latency).reversed());
    for (Sample s : eligible) {
      if (s.latency > threshold) {
        out.add(new Outlier(s.health, EjectionReason.LATENCY));
      }
    }
  }

  private static List<Sample> eligible(List<Sample> samples, int volume) {
    List<Sample> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      if (s.requests >= volume) {
        out.add(s);
      }
    }
    return out;
  }

  /** A server the interval's figures single out, and why. */
  record Outlier(ServerHealth health, EjectionReason reason) {}

  /** One server's calls over one interval. */
  static final class Sample {
    final ServerHealth health;
    final long requests;
    final long failures;
    final long latencyNanos;
    double latency;

    Sample(ServerHealth health, long requests, long failures, long latencyNanos) {
      this.health = health;
      this.requests = requests;
      this.failures = failures;
      this.latencyNanos = latencyNanos;
    }

    double successPercent() {
      return 100.0 * (requests - failures) / requests;
    }
  }
}
