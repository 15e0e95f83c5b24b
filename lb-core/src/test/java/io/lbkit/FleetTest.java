package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetTest {

  @Test
  void positionChecksCountThenIndexWithMessagesThatNameTheField() {
    assertThatThrownBy(() -> new Fleet.Position(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Fleet.Position(3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index: 3 (expected: 0 to 2, as count is 3)");
    assertThatThrownBy(() -> new Fleet.Position(-1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("index: -1");
  }

  @Test
  void positionsAreValues() {
    assertThat(new Fleet.Position(2, 5)).isEqualTo(new Fleet.Position(2, 5))
        .hasSameHashCodeAs(new Fleet.Position(2, 5))
        .isNotEqualTo(new Fleet.Position(2, 6));
    assertThat(new Fleet.Position(2, 5)).hasToString("2/5");
    assertThat(new Fleet.Position(0, 1).index()).isZero();
  }

  @Test
  void aFixedFleetHasOnePositionAndNeverCallsItsListeners() {
    Fleet fleet = Fleet.fixed(1, 4);
    int[] calls = new int[1];
    Runnable listener = () -> calls[0]++;
    fleet.addChangeListener(listener);
    assertThat(fleet.position()).isEqualTo(new Fleet.Position(1, 4));
    fleet.removeChangeListener(listener);
    fleet.removeChangeListener(() -> {}); // never added: ignored
    assertThat(calls[0]).isZero();
    assertThat(fleet).hasToString("Fleet.fixed(1/4)");
    assertThatThrownBy(() -> fleet.addChangeListener(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    assertThatThrownBy(() -> Fleet.fixed(4, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("index: 4");
  }
}
