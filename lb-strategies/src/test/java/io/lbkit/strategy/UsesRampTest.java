package io.lbkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lbkit.Request;
import io.lbkit.Server;
import io.lbkit.Strategy;
import io.lbkit.spi.Picker;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which strategies read the slow-start ramp, and that those saying no really ignore it. */
class UsesRampTest {

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("roundRobin", Strategies.roundRobin(), true),
        Arguments.of("random", Strategies.random(), true),
        Arguments.of("weightedRoundRobin", Strategies.weightedRoundRobin(), true),
        Arguments.of("weightedRandom", Strategies.weightedRandom(), true),
        Arguments.of("leastConnections", Strategies.leastConnections(), true),
        Arguments.of("leastConnections(P2C)", Strategies.leastConnections(0), true),
        Arguments.of("weightedLeastConnections", Strategies.weightedLeastConnections(), true),
        Arguments.of("powerOfTwoChoices", Strategies.powerOfTwoChoices(), true),
        Arguments.of("peakEwma", Strategies.peakEwma(), true),
        Arguments.of("hash", Strategies.hash(), false),
        Arguments.of("consistentHash", Strategies.consistentHash(), false),
        Arguments.of("consistentHash(bounded)", Strategies.consistentHash(
            ConsistentHashConfig.builder().boundedLoad(1.25).build()), false),
        Arguments.of("maglev", Strategies.maglev(), false),
        Arguments.of("rendezvous", Strategies.rendezvous(), false),
        Arguments.of("zoneAware(roundRobin)",
            Strategies.zoneAware("eu-1", Strategies.roundRobin()), true),
        Arguments.of("zoneAware(hash)", Strategies.zoneAware("eu-1", Strategies.hash()), false),
        Arguments.of("subset(weightedRandom)",
            Strategies.subset(3, "7", Strategies.weightedRandom()), true),
        Arguments.of("subset(maglev)", Strategies.subset(3, "7", Strategies.maglev()), false),
        Arguments.of("zoneAware(subset(rendezvous))", Strategies.zoneAware("eu-1",
            Strategies.subset(3, "7", Strategies.rendezvous())), false));
  }

  static Stream<Arguments> rampBlind() {
    return answers().filter(a -> !(Boolean) a.get()[2]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void answersForWhatItsPickersRead(String name, Strategy strategy, boolean expected) {
    assertThat(strategy.usesRamp()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rampBlind")
  void aStrategyThatSaysNoPicksExactlyAsIfNothingWereRamping(String name, Strategy strategy,
      boolean expected) {
    List<Server> servers = Fixtures.weighted(3, 1, 2, 5, 1, 4, 2, 2);
    double[] ramp = {0.1, 1.0, 0.5, 1.0, 1.0, 0.2, 0.9, 1.0};
    Picker plain = strategy.newPicker(Fixtures.ramped(servers, null, 61), null);
    Picker ramped = strategy.newPicker(Fixtures.ramped(servers, ramp, 61), null);
    Request tried = Request.NONE.excluding(servers.get(3));
    for (int k = 0; k < 2000; k++) {
      Request keyed = Request.withKey("user-" + k);
      assertThat(ramped.pick(keyed)).isEqualTo(plain.pick(keyed));
      assertThat(ramped.pick(Request.NONE)).isEqualTo(plain.pick(Request.NONE)); // same seed
      Request keyedTried = Request.builder().key("user-" + k).exclude(servers.get(3)).build();
      assertThat(ramped.pick(keyedTried)).isEqualTo(plain.pick(keyedTried));
      assertThat(ramped.pick(tried)).isEqualTo(plain.pick(tried));
    }
  }
}
