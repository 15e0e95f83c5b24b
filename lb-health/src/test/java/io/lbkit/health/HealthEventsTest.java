package io.lbkit.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthEventsTest {

  @Test
  void ejectionLogLinesSayHowLongInReadableUnits() {
    assertThat(HealthEvents.howLong(EjectionReason.CONSECUTIVE_FAILURES, Duration.ofSeconds(30)))
        .isEqualTo("for 30 s");
    assertThat(HealthEvents.howLong(EjectionReason.SUCCESS_RATE, Duration.ofMillis(1500)))
        .isEqualTo("for 1500 ms");
    assertThat(HealthEvents.howLong(EjectionReason.ACTIVE_CHECK, Duration.ZERO))
        .isEqualTo("until its checks pass");
  }
}
