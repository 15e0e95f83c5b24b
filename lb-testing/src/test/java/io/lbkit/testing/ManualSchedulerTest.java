package io.lbkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  @Test
  void tasksRunInTimeOrderAndAtTheirTimeAcrossTheWrap() {
    ManualTicker t = new ManualTicker(Long.MAX_VALUE - 5);
    ManualScheduler s = new ManualScheduler(t);
    List<String> ran = new ArrayList<>();
    s.schedule(() -> ran.add("late " + t.read()), 20);
    s.schedule(() -> ran.add("early " + t.read()), 2);
    s.schedule(() -> ran.add("wrapped " + t.read()), 10);

    s.advance(Duration.ofNanos(9));
    assertThat(ran).containsExactly("early " + (Long.MAX_VALUE - 3));
    assertThat(s.pending()).isEqualTo(2);
    s.advance(Duration.ofNanos(20));
    assertThat(ran).containsExactly("early " + (Long.MAX_VALUE - 3),
        "wrapped " + (Long.MIN_VALUE + 4), "late " + (Long.MIN_VALUE + 14));
    assertThat(t.read()).isEqualTo(Long.MIN_VALUE + 23);
  }

  @Test
  void runDueRunsWhatIsDueAtTheWrappedNow() {
    ManualTicker t = new ManualTicker(Long.MAX_VALUE);
    ManualScheduler s = new ManualScheduler(t);
    List<Long> ran = new ArrayList<>();
    s.schedule(() -> ran.add(t.read()), 1);
    s.schedule(() -> ran.add(t.read()), 2);
    assertThat(s.runDue()).isZero();
    t.advanceNanos(1);
    assertThat(s.runDue()).isEqualTo(1);
    assertThat(ran).containsExactly(Long.MIN_VALUE);
  }
}
