package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.RandomSource;
import io.lbkit.Selector;
import io.lbkit.Server;
import io.lbkit.ServerPool;
import io.lbkit.strategy.Strategies;
import io.lbkit.testing.ManualScheduler;
import io.lbkit.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Discovery churning under real concurrent picks: a source that changes the list every 10 ms of
 * virtual time (one server leaves, one joins, now and then a leaver comes back within its removal
 * delay) while two threads choose through a selector over the pool.
 *
 * <p>Every change the binder makes is numbered when its listener hears of it, which is after the
 * pool update returned; a pick notes the number before it starts. A pick that starts after a
 * server's removal and still returns it breaks the rule; so does one that returns a server after
 * its drain, unless the server was restored (listed again within its delay). Loops are bounded by counts; the one real wait has a bound that only keeps a
 * broken build from hanging.
 */
class ChurnTest {
  private static final int STEPS = 3_000; // 30 s of virtual time at 10 ms a step
  private static final int WINDOW = 20; // servers listed at any time
  private static final long MAX_PICKS_PER_THREAD = 500_000_000; // a bound; the churn ends first

  private static Server server(int i) {
    return Server.of("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), 8080);
  }

  @Test
  void everyPickCompletesAndNoServerIsChosenAfterItsRemovalWhileTheListChangesEvery10Ms()
      throws Exception {
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    ManualSource source = new ManualSource();
    ServerPool pool = ServerPool.empty();
    Selector selector = Strategies.roundRobin().newSelector(pool);

    AtomicLong sequence = new AtomicLong();
    Map<String, Long> removedAt = new ConcurrentHashMap<>();
    Map<String, Long> drainedAt = new ConcurrentHashMap<>();
    Set<String> everRestored = ConcurrentHashMap.newKeySet();
    DiscoveryListener numbering = new DiscoveryListener() {
      @Override
      public void onChange(MembershipChange change) {
        long n = sequence.incrementAndGet();
        for (Server s : change.restored()) {
          everRestored.add(s.id());
        }
        for (Server s : change.draining()) {
          drainedAt.put(s.id(), n);
        }
        for (Server s : change.removed()) {
          removedAt.put(s.id(), n);
        }
      }
    };

    Duration removalDelay = Duration.ofMillis(100);
    Discovery d = Discovery.builder(source, pool).ticker(ticker).scheduler(scheduler)
        .executor(Runnable::run).random(RandomSource.seeded(11)).removalDelay(removalDelay)
        .listener(numbering).start();

    ArrayDeque<Server> listed = new ArrayDeque<>();
    int next = 0;
    for (; next < WINDOW; next++) {
      listed.add(server(next));
    }
    source.push(new ArrayList<>(listed));

    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<String> violation = new AtomicReference<>();
    Set<String> drainedPicks = ConcurrentHashMap.newKeySet();
    long[] picks = new long[2];
    CountDownLatch running = new CountDownLatch(2);
    CountDownLatch done = new CountDownLatch(1);
    Thread[] pickers = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int me = t;
      pickers[t] = new Thread(() -> {
        running.countDown();
        try {
          while (done.getCount() > 0 && picks[me] < MAX_PICKS_PER_THREAD) {
            long before = sequence.get();
            Server s = selector.choose();
            picks[me]++;
            Long removed = removedAt.get(s.id());
            Long drained = drainedAt.get(s.id());
            if (removed != null && removed <= before) {
              violation.compareAndSet(null, s.id() + " chosen after its removal");
            } else if (drained != null && drained <= before) {
              // Legitimate only if it was restored meanwhile; the listener may hear of the
              // restore after this pick saw it, so this is judged at the end.
              drainedPicks.add(s.id());
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "picker-" + t);
      pickers[t].start();
    }
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

    List<Server> recentlyDropped = new ArrayList<>();
    for (int step = 1; step <= STEPS; step++) {
      scheduler.advance(Duration.ofMillis(10));
      Server dropped = listed.poll();
      recentlyDropped.add(dropped);
      listed.add(server(next++));
      if (step % 7 == 0) {
        // Back within its delay: dropped two steps (20 ms) ago, so restored, not re-added.
        listed.add(recentlyDropped.get(recentlyDropped.size() - 3));
        listed.poll();
      }
      if (recentlyDropped.size() > 10) {
        recentlyDropped.remove(0);
      }
      source.push(new ArrayList<>(listed));
    }
    scheduler.advance(removalDelay);
    done.countDown();
    for (Thread p : pickers) {
      p.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(p.isAlive()).isFalse();
    }
    d.close();

    assertThat(failure.get()).as("an exception from choose()").isNull();
    assertThat(violation.get()).isNull();
    assertThat(drainedPicks).as("drained servers chosen, never restored")
        .isSubsetOf(everRestored);
    assertThat(picks[0]).isPositive();
    assertThat(picks[1]).isPositive();
    assertThat(everRestored).isNotEmpty();
    assertThat(removedAt).hasSizeGreaterThan(STEPS / 2);
    // Nothing stays behind: after the last delay the pool holds exactly the last list.
    assertThat(pool.servers()).containsExactlyInAnyOrderElementsOf(listed);
    System.out.printf("churn: %d list changes in %d steps, %d removals, %d restorations, "
        + "%d + %d picks%n", d.status().version(), STEPS, removedAt.size(), everRestored.size(),
        picks[0], picks[1]);
  }
}
