package io.lbkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import org.junit.jupiter.api.Test;

class CandidatesScaleRampTest {
  private final Server a = Server.builder("a", 1).weight(2).build();
  private final Server b = Server.of("b", 1);
  private final LoadTracker tracker = LoadTracker.create();

  private Candidates candidates(double[] ramp) {
    return Candidates.of(ServerPool.of(a, b).snapshot(), new Server[] {a, b},
        new ServerLoad[] {tracker.metrics(a), tracker.metrics(b)}, ramp, null,
        RandomSource.seeded(1), tracker.ticker());
  }

  @Test
  void multipliesTheFactorsIntoTheSlowStartRamp() {
    Candidates c = candidates(new double[] {0.5, 1.0}).scaleRamp(new double[] {0.5, 0.25});
    assertThat(c.ramp(0)).isEqualTo(0.25);
    assertThat(c.ramp(1)).isEqualTo(0.25);
    assertThat(c.effectiveWeight(0)).isEqualTo(0.5);
    assertThat(c.isRamping()).isTrue();
    assertThat(c.servers()).containsExactly(a, b);
    assertThat(c.load(1)).isSameAs(tracker.metrics(b));
  }

  @Test
  void factorsOfOneChangeNothing() {
    Candidates c = candidates(null);
    assertThat(c.scaleRamp(new double[] {1.0, 1.0})).isSameAs(c);
    Candidates scaled = c.scaleRamp(new double[] {1.0, 0.5});
    assertThat(scaled.ramp(0)).isEqualTo(1.0);
    assertThat(scaled.ramp(1)).isEqualTo(0.5);
    assertThat(scaled).isNotEqualTo(c);
    assertThat(scaled.choosesLike(c, false)).isTrue();
  }

  @Test
  void rejectsAWrongLengthOrAFactorOutsideZeroToOne() {
    Candidates c = candidates(null);
    assertThatThrownBy(() -> c.scaleRamp(new double[] {1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factors: length: 1 (expected: the number of candidates, 2)");
    assertThatThrownBy(() -> c.scaleRamp(new double[] {0.0, 1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factor: 0.0 (expected: in (0, 1])");
    assertThatThrownBy(() -> c.scaleRamp(new double[] {1.5, 1.0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("factor: 1.5");
    assertThatThrownBy(() -> c.scaleRamp(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("factors");
  }
}
