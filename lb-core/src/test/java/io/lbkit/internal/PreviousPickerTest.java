package io.lbkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.LoadTracker;
import io.lbkit.NoServerAvailableException;
import io.lbkit.RandomSource;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import io.lbkit.spi.Candidates;
import io.lbkit.spi.Picker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A strategy is handed the last picker it built as {@code previous}, across a spell with no
 * candidates or a failed build, so its state (cursors, probe pools, load-report weights) carries
 * over an outage.
 */
class PreviousPickerTest {
  private final Server a = Server.of("a", 1);
  private final Server b = Server.of("b", 1);
  private final ServerPool pool = ServerPool.of(a, b);

  /** Remembers each picker it built and the previous it was given; fails when told to. */
  static final class Recording implements Strategy {
    final List<Picker> built = new ArrayList<>();
    final List<Picker> given = new ArrayList<>();
    boolean fail;

    @Override
    public Picker newPicker(Candidates candidates, Picker previous) {
      given.add(previous);
      if (fail) {
        throw new IllegalStateException("told to fail");
      }
      Server first = candidates.server(0);
      Picker p = request -> first;
      built.add(p);
      return p;
    }
  }

  @Test
  void theLastBuiltPickerIsThePreviousAfterAnEmptyPool() {
    Recording strategy = new Recording();
    DefaultSelector selector =
        new DefaultSelector(pool, strategy, LoadTracker.create(), RandomSource.seeded(1), null);
    Picker before = strategy.built.get(strategy.built.size() - 1);

    pool.update(List.of());
    assertThatThrownBy(selector::choose).isInstanceOf(NoServerAvailableException.class);
    pool.update(List.of(a, b));

    assertThat(selector.choose()).isEqualTo(a);
    assertThat(strategy.given.get(0)).isNull(); // the first build has nothing before it
    assertThat(strategy.given.get(strategy.given.size() - 1)).isSameAs(before);
  }

  @Test
  void aFailedBuildLeavesTheLastGoodPickerAsThePrevious() {
    Recording strategy = new Recording();
    DefaultSelector selector =
        new DefaultSelector(pool, strategy, LoadTracker.create(), RandomSource.seeded(1), null);
    Picker good = strategy.built.get(strategy.built.size() - 1);

    strategy.fail = true;
    pool.update(List.of(b, a));
    assertThatThrownBy(selector::choose).isInstanceOf(NoServerAvailableException.class);
    strategy.fail = false;
    pool.update(List.of(b));

    assertThat(selector.choose()).isEqualTo(b);
    assertThat(strategy.given.get(strategy.given.size() - 1)).isSameAs(good);
  }
}
