package io.lbkit.health;

import io.lbkit.RandomSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Passive ejection policy: when a server may be ejected (max-ejection-percent), for how long
 * (base × k, capped, jittered), and the per-interval outlier detection (success rate, failure
 * percentage, latency). Every method runs under the monitor's lock.
 *
 * <pre>
 * Ejection time of the k-th ejection in a row: min(base × k, max(base, cap)) + jitter,
 *   k grows by one per ejection, stops growing once base × k reaches the cap (so that it falls
 *   back below the cap after one healthy interval, as Envoy), and falls by one per interval in
 *   which the server is not ejected.
 * </pre>
 */
final class Ejector {
  private final HealthConfig config;
  private final RandomSource random;
  private final HealthEvents events;
  private final long baseNanos;
  private final long maxNanos;
  private final long jitterNanos;
  private final int maxMultiplier;
  private long lastEvaluationNanos;

  Ejector(HealthConfig config, RandomSource random, HealthEvents events, long nowNanos) {
    this.lastEvaluationNanos = nowNanos;
    this.config = config;
    this.random = random;
    this.events = events;
    this.baseNanos = config.baseEjectionTime.toNanos();
    this.maxNanos = Math.max(baseNanos, config.maxEjectionTime.toNanos());
    this.jitterNanos = config.ejectionJitter.toNanos();
    this.maxMultiplier = (int) Math.min(Integer.MAX_VALUE, (maxNanos + baseNanos - 1) / baseNanos);
  }

  /**
   * Ejects {@code h} unless it already is or the max-ejection-percent forbids it.
   *
   * @param members the states of the current pool members
   */
  boolean tryEject(ServerHealth h, EjectionReason reason, Collection<ServerHealth> members,
      long now) {
    if (h.isEjectedAt(now) || h.server.weight() <= 0) {
      return false;
    }
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
    if (!OutlierMath.mayEject(ejected, total, config.maxEjectionPercent,
        config.alwaysAllowOneEjection)) {
      return false;
    }
    if (h.multiplier < maxMultiplier) {
      h.multiplier++;
    }
    long d = Math.min(baseNanos * h.multiplier, maxNanos);
    if (jitterNanos > 0) {
      d += (long) (random.nextDouble() * (jitterNanos + 1));
    }
    h.ejectedUntil = now + d;
    h.ejected = true;
    h.reason = reason;
    h.ramping = false;
    h.checkPasses = 0;
    h.consecutiveFailures.set(0);
    events.ejected(h.server, reason, Duration.ofNanos(d));
    return true;
  }

  /**
   * The interval's evaluation: decays the multiplier of servers not ejected, then ejects
   * outliers, worst first, while the max-ejection-percent allows. Resets the interval counters.
   * A healthy interval is one the server spent wholly out of ejection: its ejection ended no later
   * than the previous evaluation (so the evaluation that sees a server restored does not yet
   * count in its favour, as Envoy's).
   *
   * @param ewma the EWMA latency of a server now
   * @return whether anything was ejected
   */
  boolean evaluate(Collection<ServerHealth> members, long now,
      ToDoubleFunction<ServerHealth> ewma) {
    List<Sample> samples = new ArrayList<>(members.size());
    for (ServerHealth h : members) {
      long requests = h.intervalRequests.getAndSet(0);
      long failures = h.intervalFailures.getAndSet(0);
      long latency = h.intervalLatencyNanos.getAndSet(0);
      if (h.isEjectedAt(now)) {
        continue;
      }
      if (h.multiplier > 0 && h.ejectedUntil <= lastEvaluationNanos) {
        h.multiplier--;
      }
      if (h.server.weight() > 0 && requests > 0) {
        samples.add(new Sample(h, requests, failures, latency));
      }
    }
    boolean any = false;
    any |= successRate(samples, members, now);
    any |= failurePercentage(samples, members, now);
    any |= latency(samples, members, now, ewma);
    lastEvaluationNanos = now;
    return any;
  }

  private boolean successRate(List<Sample> samples, Collection<ServerHealth> members, long now) {
    if (config.successRateMinimumHosts == 0) {
      return false;
    }
    List<Sample> eligible = eligible(samples, config.successRateRequestVolume);
    if (eligible.size() < config.successRateMinimumHosts) {
      return false;
    }
    double[] rates = new double[eligible.size()];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = eligible.get(i).successPercent();
    }
    double threshold = OutlierMath.successRateThreshold(rates, config.successRateStdevFactor);
    eligible.sort(Comparator.comparingDouble(Sample::successPercent));
    boolean any = false;
    for (Sample s : eligible) {
      if (s.successPercent() < threshold) {
        any |= tryEject(s.health, EjectionReason.SUCCESS_RATE, members, now);
      }
    }
    return any;
  }

  private boolean failurePercentage(List<Sample> samples, Collection<ServerHealth> members,
      long now) {
    if (config.failurePercentageThreshold == 0.0 || config.failurePercentageMinimumHosts == 0) {
      return false;
    }
    List<Sample> eligible = eligible(samples, config.failurePercentageRequestVolume);
    if (eligible.size() < config.failurePercentageMinimumHosts) {
      return false;
    }
    eligible.sort(Comparator.comparingDouble(Sample::successPercent));
    boolean any = false;
    for (Sample s : eligible) {
      if (100.0 - s.successPercent() >= config.failurePercentageThreshold) {
        any |= tryEject(s.health, EjectionReason.FAILURE_PERCENTAGE, members, now);
      }
    }
    return any;
  }

  /*
   * A server's latency signal is min(EWMA now, mean latency over the interval): both must be
   * high, so a single late spike (EWMA jumps to the peak) or an early spike that has since
   * decayed (mean still high) does not eject; only latency that stayed high for the interval.
   */
  private boolean latency(List<Sample> samples, Collection<ServerHealth> members, long now,
      ToDoubleFunction<ServerHealth> ewma) {
    if (config.latencyFactor == 0.0 || config.latencyMinimumHosts == 0) {
      return false;
    }
    List<Sample> eligible = eligible(samples, config.latencyRequestVolume);
    if (eligible.size() < config.latencyMinimumHosts) {
      return false;
    }
    double[] signal = new double[eligible.size()];
    for (int i = 0; i < signal.length; i++) {
      Sample s = eligible.get(i);
      s.latency = Math.min(ewma.applyAsDouble(s.health), (double) s.latencyNanos / s.requests);
      signal[i] = s.latency;
    }
    double threshold = config.latencyFactor * OutlierMath.median(signal);
    eligible.sort(Comparator.comparingDouble((Sample s) -> s.latency).reversed());
    boolean any = false;
    for (Sample s : eligible) {
      if (s.latency > threshold) {
        any |= tryEject(s.health, EjectionReason.LATENCY, members, now);
      }
    }
    return any;
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

  private static final class Sample {
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
