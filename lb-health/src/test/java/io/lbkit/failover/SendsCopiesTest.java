package io.lbkit.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which modes send one call to several servers other than by retrying: what adapters ask. */
class SendsCopiesTest {

  @Test
  void onlyHedgedForkingBroadcastAndFailBackSendCopies() {
    assertThat(Failover.hedged(Duration.ofMillis(10)).sendsCopies()).isTrue();
    assertThat(Failover.hedgedAtPercentile(0.95, Duration.ofMillis(10)).sendsCopies()).isTrue();
    assertThat(Failover.forking(2).sendsCopies()).isTrue();
    assertThat(Failover.broadcast().sendsCopies()).isTrue();
    assertThat(Failover.failBack(e -> null).sendsCopies()).isTrue();
    assertThat(Failover.failFast().sendsCopies()).isFalse();
    assertThat(Failover.retry(3).sendsCopies()).isFalse();
    assertThat(Failover.failSafe().sendsCopies()).isFalse();
    assertThat(Failover.primaryBackup().sendsCopies()).isFalse();
    assertThat(Failover.readWrite().sendsCopies()).isFalse();
  }
}
