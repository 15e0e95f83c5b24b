package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ejection policy alone, with exact figures (as gRPC's OutlierDetectionLoadBalancerTest):
 * each README Health rule about passive ejection is decided here and nowhere else.
 */
class EjectorTest {
  private static final long NOW = 0L;

  private static Ejector ejector(HealthConfig config) {
    return new Ejector(config, RandomSource.seeded(1));
  }

  private static ServerHealth health(int i) {
    return new ServerHealth(Server.of("10.0.0." + i, 80), null, 10_000_000_000L, NOW);
  }

  /** One sample per {@code {requests, failures, latencyNanos}}. */
  private static List<Ejector.Sample> samples(long[]... figures) {
    List<Ejector.Sample> out = new ArrayList<>();
    for (int i = 0; i < figures.length; i++) {
      long[] f = figures[i];
      out.add(new Ejector.Sample(health(i + 1), f[0], f[1], f[2]));
    }
    return out;
  }

  private static List<String> outliers(Ejector e, List<Ejector.Sample> samples) {
    List<String> out = new ArrayList<>();
    for (Ejector.Outlier o : e.outliers(samples, s -> (double) s.latencyNanos / s.requests)) {
      out.add(o.health().id + " " + o.reason());
    }
    return out;
  }

  @Test
  void aStreakEjectsFromFiveOnUntilAnEjectionResetsIt() {
    Ejector e = ejector(HealthConfig.defaults());
    assertThat(e.streakEjects(4)).isFalse();
    assertThat(e.streakEjects(5)).isTrue();
    assertThat(e.streakEjects(6)).isTrue(); // refused at 5 by max-ejection-percent: asked again
    assertThat(ejector(HealthConfig.builder().noConsecutiveFailures().build()).streakEjects(5))
        .isFalse();
  }

  @Test
  void goldenSuccessRateCaseSinglesOutOnlyTheHostAtHalfSuccess() {
    // 4 hosts at 200/200 and one at 100/200: mean 90, stdev 20, threshold 90 - 1.9 x 20 = 52.
    Ejector e = ejector(HealthConfig.builder().noFailurePercentage().noLatency().build());
    List<Ejector.Sample> s = samples(new long[] {200, 0, 200}, new long[] {200, 0, 200},
        new long[] {200, 0, 200}, new long[] {200, 0, 200}, new long[] {200, 100, 200});
    assertThat(OutlierMath.successRateThreshold(new double[] {100, 100, 100, 100, 50}, 1.9))
        .isEqualTo(52.0);
    assertThat(outliers(e, s)).containsExactly("10.0.0.5:80 SUCCESS_RATE");
  }

  @Test
  void successRateNeedsOneHundredRequestsOnFiveHosts() {
    Ejector e = ejector(HealthConfig.builder().noFailurePercentage().noLatency().build());
    // 25 requests per host: below the volume, nothing is evaluated
    assertThat(outliers(e, samples(new long[] {25, 0, 1}, new long[] {25, 0, 1},
        new long[] {25, 0, 1}, new long[] {25, 0, 1}, new long[] {25, 25, 1}))).isEmpty();
    // 4 hosts with the volume: below the minimum host count, nothing either
    assertThat(outliers(e, samples(new long[] {100, 0, 1}, new long[] {100, 0, 1},
        new long[] {100, 0, 1}, new long[] {100, 100, 1}))).isEmpty();
  }

  @Test
  void failurePercentageSinglesOutHostsAtOrAbove85PercentOnly() {
    Ejector e = ejector(HealthConfig.builder().noSuccessRate().noLatency().build());
    List<Ejector.Sample> s = samples(new long[] {100, 0, 1}, new long[] {100, 0, 1},
        new long[] {100, 0, 1}, new long[] {100, 84, 1}, new long[] {100, 85, 1});
    assertThat(outliers(e, s)).containsExactly("10.0.0.5:80 FAILURE_PERCENTAGE");
    // 49 calls each: below the 50-call volume
    assertThat(outliers(e, samples(new long[] {49, 0, 1}, new long[] {49, 0, 1},
        new long[] {49, 0, 1}, new long[] {49, 0, 1}, new long[] {49, 49, 1}))).isEmpty();
  }

  @Test
  void latencySinglesOutHostsAboveFiveTimesTheMedianOnly() {
    Ejector e = ejector(HealthConfig.builder().noSuccessRate().noFailurePercentage().build());
    // median 10 ms: 50 ms is exactly 5 x (kept), 51 ms is above (singled out)
    long ms = 1_000_000L;
    List<Ejector.Sample> s = samples(new long[] {50, 0, 50 * 10 * ms},
        new long[] {50, 0, 50 * 10 * ms}, new long[] {50, 0, 50 * 10 * ms},
        new long[] {50, 0, 50 * 50 * ms}, new long[] {50, 0, 50 * 51 * ms});
    assertThat(outliers(e, s)).containsExactly("10.0.0.5:80 LATENCY");
  }

  @Test
  void latencySignalIsTheLowerOfEwmaAndIntervalMean() {
    Ejector e = ejector(HealthConfig.builder().noSuccessRate().noFailurePercentage().build());
    long ms = 1_000_000L;
    List<Ejector.Sample> s = samples(new long[] {50, 0, 50 * 10 * ms},
        new long[] {50, 0, 50 * 10 * ms}, new long[] {50, 0, 50 * 10 * ms},
        new long[] {50, 0, 50 * 10 * ms}, new long[] {50, 0, 50 * 100 * ms});
    // the last host's mean is 100 ms but its EWMA has decayed to 20 ms: no ejection
    List<Ejector.Outlier> out = e.outliers(s, x -> x.health.id.equals("10.0.0.5:80")
        ? 20.0 * ms : 10.0 * ms);
    assertThat(out).isEmpty();
  }

  @Test
  void ejectionTimeIsThirtySecondsTimesKCappedAtThreeHundred() {
    Ejector e = ejector(HealthConfig.defaults());
    List<Long> seconds = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < 12; i++) {
      k = e.nextMultiplier(k);
      seconds.add(Duration.ofNanos(e.ejectionNanos(k)).toSeconds());
    }
    assertThat(seconds).containsExactly(30L, 60L, 90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L,
        300L, 300L);
    assertThat(k).isEqualTo(10); // stops growing at the cap, so one healthy interval lowers it
  }

  @Test
  void ejectionJitterAddsAtMostItsBound() {
    Ejector e = ejector(HealthConfig.builder()
        .ejection(EjectionLimits.builder().jitter(Duration.ofSeconds(10)).build()).build());
    for (int i = 0; i < 100; i++) {
      assertThat(e.ejectionNanos(1)).isBetween(Duration.ofSeconds(30).toNanos(),
          Duration.ofSeconds(40).toNanos());
    }
  }

  @Test
  void maxEjectionPercentCountsTheServerAboutToBeEjected() {
    Ejector e = ejector(HealthConfig.defaults()); // 10%, the first always allowed
    assertThat(e.mayEject(0, 10)).isTrue();
    assertThat(e.mayEject(1, 10)).isFalse(); // 2 of 10 would be 20%
    assertThat(e.mayEject(1, 20)).isTrue(); // 2 of 20 is 10%
    assertThat(e.mayEject(2, 20)).isFalse();
    assertThat(e.mayEject(0, 3)).isTrue(); // only because the first is always allowed
    assertThat(e.mayEject(0, 0)).isFalse();
    Ejector strict = ejector(HealthConfig.builder()
        .ejection(EjectionLimits.builder().alwaysAllowOne(false).build()).build());
    assertThat(strict.mayEject(0, 3)).isFalse(); // envoy#27066: 1 of 3 is 33% > 10%
    assertThat(strict.mayEject(0, 10)).isTrue();
  }
}
