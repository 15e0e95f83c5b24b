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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A strategy that reports its own changes gets new pickers with the candidates unchanged. */
class StrategyChangeRebuildTest {
  private final Server a = Server.of("a", 1);
  private final Server b = Server.of("b", 1);
  private final ServerPool pool = ServerPool.of(a, b);

  /** Picks candidate {@code choice}; tells its listeners when the choice moves. */
  static class Switch implements Strategy {
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    volatile int choice;
    int built;

    void choose(int i) {
      choice = i;
      listeners.forEach(Runnable::run);
    }

    @Override
    public Picker newPicker(Candidates candidates, Picker previous) {
      built++;
      Server s = candidates.server(choice);
      return request -> s;
    }

    @Override
    public void addChangeListener(Runnable listener) {
      listeners.add(listener);
    }

    @Override
    public void removeChangeListener(Runnable listener) {
      listeners.remove(listener);
    }
  }

  private DefaultSelector selector(Strategy strategy) {
    return new DefaultSelector(pool, strategy, LoadTracker.create(), RandomSource.seeded(1), null);
  }

  @Test
  void aStrategyChangeRebuildsWithNoPoolOrHealthChange() {
    Switch strategy = new Switch();
    DefaultSelector selector = selector(strategy);
    assertThat(selector.choose()).isEqualTo(a);
    long published = selector.publications();
    int built = strategy.built;

    strategy.choose(1);

    assertThat(selector.choose()).isEqualTo(b);
    assertThat(selector.publications()).isEqualTo(published + 1);
    assertThat(strategy.built).isEqualTo(built + 1);
  }

  @Test
  void buildingRegistersOneListenerAndPublishesOnceAndClosingRemovesIt() {
    Switch strategy = new Switch();
    DefaultSelector selector = selector(strategy);
    assertThat(strategy.listeners).hasSize(1);
    assertThat(selector.publications()).isEqualTo(1); // the race-catching second pass built nothing
    selector.close();
    assertThat(strategy.listeners).isEmpty();
  }

  @Test
  void aChangeDuringTheFirstBuildIsNotLost() {
    Switch strategy = new Switch() {
      @Override
      public Picker newPicker(Candidates candidates, Picker previous) {
        Picker p = super.newPicker(candidates, previous);
        if (built == 1) {
          // the fleet moves on another thread while the first picker is being built: its
          // rebuild request finds the lock taken and leaves the work to the constructor
          Thread mover = new Thread(() -> choose(1));
          mover.start();
          try {
            mover.join(10_000);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
        return p;
      }
    };
    DefaultSelector selector = selector(strategy);
    assertThat(selector.choose()).isEqualTo(b);
  }

  @Test
  void aThrowingRebuildRequestedByTheStrategyFailsClosedAndRecoversOnTheNextChange() {
    Switch strategy = new Switch();
    DefaultSelector selector = selector(strategy);
    strategy.choose(5); // out of range: newPicker throws, the selector refuses
    assertThatThrownBy(selector::choose).isInstanceOf(NoServerAvailableException.class)
        .hasMessageContaining("failed to build a picker");
    strategy.choose(0);
    assertThat(selector.choose()).isEqualTo(a);
  }
}
