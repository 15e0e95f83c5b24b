package io.lbkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OverprovisioningTest {
  private final Overprovisioning rule = Overprovisioning.DEFAULT;

  @Test
  void defaultFactorKeepsAGroupWhileAtLeastOneOverOnePointFourIsAvailable() {
    assertThat(rule.factor()).isEqualTo(1.4);
    assertThat(rule.enough(4, 5)).isTrue(); // 5.6 >= 5
    assertThat(rule.enough(3, 5)).isFalse(); // 4.2 < 5
    assertThat(rule.enough(5, 7)).isTrue(); // exactly 7
    assertThat(rule.enough(4, 7)).isFalse();
    assertThat(rule.enough(8, 11)).isTrue();
    assertThat(rule.enough(7, 11)).isFalse();
    assertThat(rule.enough(72, 100)).isTrue();
    assertThat(rule.enough(71, 100)).isFalse();
  }

  @Test
  void exactBoundariesAreNotLostToBinaryRounding() {
    // 45 x 1.4 is 62.99999999999999 in doubles; the rule counts it as the 63 it is.
    assertThat(45 * 1.4).isLessThan(63.0);
    assertThat(rule.enough(45, 63)).isTrue();
    assertThat(rule.enough(44, 63)).isFalse();
    for (int k = 1; k <= 1000; k++) {
      assertThat(rule.enough(5 * k, 7 * k)).as("%d of %d", 5 * k, 7 * k).isTrue();
      assertThat(rule.enough(5 * k - 1, 7 * k)).as("%d of %d", 5 * k - 1, 7 * k).isFalse();
    }
  }

  @Test
  void healthIsOneExactlyWhenTheGroupIsEnoughAndTheScaledShareBelow() {
    assertThat(rule.health(2, 4)).isCloseTo(0.7, within(1e-12)); // Envoy's 2 of 4: 70%
    assertThat(rule.health(7, 10)).isCloseTo(0.98, within(1e-12));
    assertThat(rule.health(0, 10)).isZero();
    assertThat(rule.health(0, 0)).isEqualTo(1.0);
    for (int total = 1; total <= 200; total++) {
      for (int available = 0; available <= total; available++) {
        double h = rule.health(available, total);
        assertThat(h == 1.0).as("%d of %d", available, total)
            .isEqualTo(rule.enough(available, total));
        assertThat(h).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void rampingMembersCountByTheirRampAndWholeCountsKeepTheExactRule() {
    // 3 warm and 7 servers at the 10% slow-start floor: 3.7 of 10, min(1, 1.4 x 3.7 / 10)
    assertThat(rule.health(3.7, 10)).isCloseTo(0.518, within(1e-12));
    assertThat(rule.health(7.5, 10)).isEqualTo(1.0); // 10.5 >= 10
    // a whole count takes the exact integer path: 45 of 63 is enough, not 0.99999999999999
    assertThat(rule.health(45.0, 63)).isEqualTo(1.0);
    assertThat(rule.health(2.0, 4)).isEqualTo(rule.health(2, 4));
    assertThatThrownBy(() -> rule.health(-0.5, 3))
        .hasMessage("available: -0.5 (expected: >= 0)");
    assertThatThrownBy(() -> rule.health(Double.NaN, 3))
        .hasMessage("available: NaN (expected: >= 0)");
  }

  @Test
  void priorityLoadKeepsEnvoysNumbersAndNormalisesShortGroups() {
    // Envoy: 2 of 4 primaries keep 70%, the backups take 30%; 7 of 10 keep 98%
    assertThat(Overprovisioning.priorityLoad(new double[] {rule.health(2, 4), 1.0}))
        .containsExactly(new double[] {0.7, 0.3}, within(1e-12));
    assertThat(Overprovisioning.priorityLoad(new double[] {rule.health(7, 10), 1.0}))
        .containsExactly(new double[] {0.98, 0.02}, within(1e-12));
    // a healthy first group takes everything
    assertThat(Overprovisioning.priorityLoad(new double[] {1.0, 1.0, 0.2}))
        .containsExactly(1.0, 0.0, 0.0);
    // healths adding up to less than 1: each its health over their sum
    assertThat(Overprovisioning.priorityLoad(new double[] {0.518, 0.392}))
        .containsExactly(new double[] {0.518 / 0.91, 0.392 / 0.91}, within(1e-12));
    assertThat(Overprovisioning.priorityLoad(new double[] {0.0, 0.0})).containsExactly(0.0, 0.0);
  }

  @Test
  void factorOneNeedsEveryMemberAndHugeFactorsNeedOne() {
    Overprovisioning all = Overprovisioning.of(1.0);
    assertThat(all.enough(7, 7)).isTrue();
    assertThat(all.enough(6, 7)).isFalse();
    Overprovisioning huge = Overprovisioning.of(1e300);
    assertThat(huge.enough(1, Integer.MAX_VALUE)).isTrue();
    assertThat(huge.enough(0, 1)).isFalse();
    assertThat(rule.enough(Integer.MAX_VALUE, Integer.MAX_VALUE)).isTrue();
    assertThat(rule.enough(0, 0)).isTrue();
  }

  @Test
  void badArgumentsAreRejectedWithTheStandardMessage() {
    assertThatThrownBy(() -> Overprovisioning.of(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overprovisioningFactor: 0.5 (expected: >= 1 and finite)");
    assertThatThrownBy(() -> Overprovisioning.of(Double.NaN))
        .hasMessage("overprovisioningFactor: NaN (expected: >= 1 and finite)");
    assertThatThrownBy(() -> rule.enough(-1, 3))
        .hasMessage("available: -1 (expected: >= 0)");
    assertThatThrownBy(() -> rule.enough(1, -3))
        .hasMessage("total: -3 (expected: >= 0)");
  }
}
