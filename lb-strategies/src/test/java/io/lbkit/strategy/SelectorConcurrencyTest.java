package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Choosing threads race a thread that replaces the whole pool thousands of times. Every update
 * publishes a new generation of servers (ids {@code g<generation>-<i>}), so a pick can be checked
 * exactly: it must come from a generation that was published, and never from one older than the
 * last generation whose {@code update()} had returned before the pick began.
 */
class SelectorConcurrencyTest {
  private static final int UPDATES = 5_000;
  private static final int CHOOSERS = 2;
  private static final int MAX_PICKS_PER_THREAD = 2_000_000;

  static List<Strategy> strategies() {
    return List.of(Strategies.roundRobin(), Strategies.random());
  }

  private static List<Server> generation(int g) {
    int size = 1 + g % 7; // sizes 1..7, so pickers see pools shrink and grow
    List<Server> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(Server.builder("10.1." + (g % 250) + "." + i, 9000 + i).id("g" + g + "-" + i).build());
    }
    return list;
  }

  private static int generationOf(Server s) {
    String id = s.id();
    return Integer.parseInt(id.substring(1, id.indexOf('-')));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void picksComeOnlyFromPublishedAndCurrentGenerations(Strategy strategy) throws Exception {
    ServerPool pool = ServerPool.of(generation(0));
    Selector selector = Selector.builder(pool).strategy(strategy)
        .random(RandomSource.seeded(3)).build();
    AtomicInteger completed = new AtomicInteger(0); // last generation whose update() returned
    AtomicInteger picks = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(CHOOSERS);

    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CHOOSERS; t++) {
      Thread th = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < MAX_PICKS_PER_THREAD && completed.get() < UPDATES; i++) {
            int floor = completed.get();
            Server s = selector.choose();
            int g = generationOf(s);
            if (g < floor || g > UPDATES) {
              throw new AssertionError("picked " + s.id() + " after generation " + floor
                  + " had been published");
            }
            picks.incrementAndGet();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, "chooser-" + t);
      th.start();
      threads.add(th);
    }

    start.countDown();
    for (int g = 1; g <= UPDATES && failure.get() == null; g++) {
      pool.update(generation(g));
      completed.set(g);
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).as("choosers finished").isTrue();
    assertThat(failure.get()).isNull();
    assertThat(picks.get()).isPositive();
    assertThat(pool.snapshot().version()).isEqualTo(UPDATES + 1);
    // After the last update returned, only the last generation is ever chosen.
    for (int i = 0; i < 100; i++) {
      assertThat(generationOf(selector.choose())).isEqualTo(UPDATES);
    }
  }
}
