package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTest {

  @Test
  void runsEventsByTimeThenBySchedulingOrder() {
    ManualTicker ticker = new ManualTicker();
    EventQueue q = new EventQueue(ticker);
    List<String> ran = new ArrayList<>();
    q.at(30, () -> ran.add("c@" + ticker.read()));
    q.at(10, () -> ran.add("a1@" + ticker.read()));
    q.at(20, () -> ran.add("b@" + ticker.read()));
    q.at(10, () -> ran.add("a2@" + ticker.read()));
    q.at(10, () -> ran.add("a3@" + ticker.read()));

    assertThat(q.runAll()).isEqualTo(5);
    assertThat(ran).containsExactly("a1@10", "a2@10", "a3@10", "b@20", "c@30");
  }

  @Test
  void eventScheduledForNowFromAnEventRunsAfterTheOnesAlreadyQueuedForNow() {
    ManualTicker ticker = new ManualTicker();
    EventQueue q = new EventQueue(ticker);
    List<String> ran = new ArrayList<>();
    q.at(5, () -> {
      ran.add("first");
      q.after(0, () -> ran.add("scheduled-by-first"));
    });
    q.at(5, () -> ran.add("second"));

    q.runAll();

    assertThat(ran).containsExactly("first", "second", "scheduled-by-first");
    assertThat(ticker.read()).isEqualTo(5);
  }

  @Test
  void fixedDelayLanesKeepTheSameOrderAsTheHeap() {
    ManualTicker ticker = new ManualTicker();
    EventQueue q = new EventQueue(ticker);
    q.addLane(10);
    List<String> ran = new ArrayList<>();
    q.after(10, () -> ran.add("lane-a@" + ticker.read()));
    q.after(10, () -> ran.add("lane-b@" + ticker.read()));
    q.at(10, () -> ran.add("heap@" + ticker.read()));
    q.after(5, () -> {
      ran.add("heap@" + ticker.read());
      q.after(10, () -> ran.add("lane-c@" + ticker.read()));
      q.at(15, () -> ran.add("heap-tie@" + ticker.read()));
    });

    assertThat(q.pending()).isEqualTo(4);
    q.runAll();

    assertThat(ran).containsExactly("heap@5", "lane-a@10", "lane-b@10", "heap@10", "lane-c@15",
        "heap-tie@15");
  }

  @Test
  void refusesAnEventInThePast() {
    ManualTicker ticker = new ManualTicker(100);
    EventQueue q = new EventQueue(ticker);

    assertThatThrownBy(() -> q.at(99, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("atNanos: 99 (expected: >= now 100)");
    assertThat(q.pending()).isZero();
  }
}
