package io.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binder's callback queue: order, no recursion, and failures that stop nothing. */
class SerialEventsTest {
  private final List<String> ran = new ArrayList<>();
  private final List<RuntimeException> failed = new ArrayList<>();
  private final SerialEvents events = new SerialEvents(failed::add);

  @Test
  void runsInQueueOrderAndWhatACallbackQueuesRunsAfterItNotInsideIt() {
    events.add(() -> {
      ran.add("a start");
      events.add(() -> ran.add("c"));
      events.drain(); // the drain under way will run it
      ran.add("a end");
    });
    events.add(() -> ran.add("b"));
    events.drain();

    assertThat(ran).containsExactly("a start", "a end", "b", "c");
  }

  @Test
  void aCallbackThatThrowsIsReportedAndTheRestStillRun() {
    IllegalStateException bug = new IllegalStateException("listener bug");
    events.add(() -> {
      throw bug;
    });
    events.add(() -> ran.add("after"));
    events.drain();

    assertThat(failed).containsExactly(bug);
    assertThat(ran).containsExactly("after");
  }

  @Test
  void anErrorPropagatesAndTheNextDrainRunsWhatIsLeft() {
    events.add(() -> {
      throw new AssertionError("fatal");
    });
    events.add(() -> ran.add("left"));
    assertThatThrownBy(events::drain).isInstanceOf(AssertionError.class);

    events.drain();
    assertThat(ran).containsExactly("left");
  }
}
