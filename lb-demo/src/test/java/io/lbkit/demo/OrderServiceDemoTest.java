package io.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo as a user runs it, on a short timeline, and its options. */
class OrderServiceDemoTest {

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void shortDemoRunPlacesOrdersWithNoFailureNoDuplicateAndLeavesNoThreadBehind()
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSummary s;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      s = OrderServiceDemo.run(DemoOptions.parse("--duration", "6"), out);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(printed);

    assertThat(s.strategy()).isEqualTo("peakEwma");
    assertThat(s.ordersPlaced()).isPositive();
    assertThat(s.ordersFailed()).as("failed orders: %s", s.failures()).isZero();
    assertThat(s.duplicateWrites()).isZero();
    assertThat(s.seconds()).isBetween(6.0, 20.0);
    assertThat(s.p99Millis()).isGreaterThanOrEqualTo(s.p50Millis()).isPositive();
    // The killed server (inv-3, down from 25% to 60% of the run) is taken out.
    assertThat(s.ejections()).extracting(HealthLog.Event::server).contains("inv-3");
    // Found through the embedded ZooKeeper: inv-6 joins through it at 40% of the run and gets
    // traffic; ZooKeeper goes down at 80% and no order fails.
    assertThat(s.registryEvents()).anyMatch(e -> e.startsWith("registry: joined inv-6"));
    assertThat(s.requestsByServer()).hasSize(6).containsKey("inv-6");
    assertThat(s.requestsByServer().get("inv-6")).isPositive();
    assertThat(printed).contains("orders failed      0", "duplicate writes   0");
    // From the balancer's meters: every order is at least one call, and the killed server's
    // refused connections were retried elsewhere.
    assertThat(s.attempts().get("first")).isGreaterThanOrEqualTo(s.ordersPlaced());
    assertThat(s.attempts().get("retry")).isPositive();
    // The first ejection is explained: the next pick's candidates and why the others are out.
    assertThat(printed).containsPattern("why the next pick goes where it goes, now that inv-\\d"
        + " is out:")
        // out of the picker, or still in it for the moment its rebuild takes, health "ejected"
        .containsPattern("inv-\\d [A-Z_]+ [0-9.:]+[:;] .*ejected \\(");
    assertThat(printed).containsPattern("attempts +\\d+ calls, \\d+ retries, 0 hedges");

    List<String> left = demoThreadsAlive(Duration.ofSeconds(5));
    assertThat(left).isEmpty();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void withoutTheRegistryThePoolIsTheFixedListOfServers() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSummary s;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      s = OrderServiceDemo.run(DemoOptions.parse("--duration", "3", "--quiet", "--registry",
          "none", "--faults", "none"), out);
    }
    assertThat(s.ordersPlaced()).isPositive();
    assertThat(s.ordersFailed()).isZero();
    assertThat(s.registryEvents()).isEmpty();
    assertThat(s.requestsByServer()).hasSize(5);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("ZooKeeper");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void writesThatTimeOutAreReadBackAndCountedAsPlacedWithoutBeingSentAgain() throws Exception {
    try (Rig rig = Rig.start(3, 2_000, 5, Duration.ofSeconds(1), (pool, http) ->
        io.lbkit.failover.LoadBalancer.builder(pool)
            .strategy(io.lbkit.strategy.Strategies.roundRobin())
            .health(io.lbkit.health.HealthConfig.builder().noConsecutiveFailures()
                .noCircuitBreaker().build())
            .failover(io.lbkit.failover.Failover.retry(3))
            .classifier(InventoryClassifier.INSTANCE)
            .build())) {
      InventoryServer hanging = rig.cluster.byName("inv-2");
      hanging.hangWrites(true, 3_000);
      OrderWorkload orders = new OrderWorkload(rig.client, 2,
          System.nanoTime() + TimeUnit.SECONDS.toNanos(20), 12); // ends after 12 orders
      assertThat(orders.run()).isTrue();
      System.out.printf("read-back: %d placed, %d ambiguous, inv-2 recorded %d%n",
          orders.placed.get(), orders.ambiguous.get(), hanging.writes());
      assertThat(orders.placed.get()).isEqualTo(12);
      assertThat(orders.failed.get()).isZero();
      // Each write inv-2 recorded timed out and was read back (never re-sent: it was there).
      assertThat(hanging.writes()).isPositive();
      assertThat(orders.ambiguous.get()).isGreaterThanOrEqualTo(hanging.writes());
      assertThat(orders.resent.get()).isZero();
      assertThat(rig.cluster.writesByOrder()).hasSize(12);
      assertThat(rig.cluster.duplicateWrites()).isZero();
    }
  }

  @Test
  void optionsHaveDefaultsThatRunWithinAMinute() {
    DemoOptions o = DemoOptions.parse();
    assertThat(o.strategy).isEqualTo("peakEwma");
    assertThat(o.failover).isEqualTo("retry");
    assertThat(o.duration).isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(o.servers).isEqualTo(5);
    assertThat(o.faults).isEqualTo("default");
    assertThat(o.registry).isEqualTo("zookeeper");
    assertThat(OrderServiceDemo.failover(o.failover).toString()).startsWith("retry(3");
  }

  @Test
  void badOptionsAreRejectedNamingTheOptionAndWhatWasExpected() {
    assertThatThrownBy(() -> DemoOptions.parse("--duration", "0"))
        .hasMessage("--duration: 0 (expected: 2..600)");
    assertThatThrownBy(() -> DemoOptions.parse("--servers", "x"))
        .hasMessage("--servers: x (expected: a whole number)");
    assertThatThrownBy(() -> DemoOptions.parse("--failover"))
        .hasMessage("--failover: missing value (expected: a value after it)");
    assertThatThrownBy(() -> DemoOptions.parse("--strategy", "fastest"))
        .hasMessageStartingWith("--strategy: fastest (expected: one of [")
        .hasMessageContaining("roundRobin");
    assertThatThrownBy(() -> DemoOptions.parse("--colour"))
        .hasMessage("option: --colour (expected: one of the options in --help)");
    assertThat(DemoOptions.parse("--help").help).isTrue();
    assertThat(DemoOptions.HELP).contains("--strategy", "--failover", "--duration", "--servers",
        "--faults", "--registry", "--quiet");
    assertThatThrownBy(() -> DemoOptions.parse("--registry", "etcd"))
        .hasMessage("--registry: etcd (expected: one of [zookeeper, none])");
  }

  @Test
  void faultScheduleSlowsKillsAndBreaksThreeServersThenHealsThemInOrder() {
    List<FaultSchedule.Step> steps = FaultSchedule.standard().steps();
    assertThat(steps).extracting(FaultSchedule.Step::description).containsExactly(
        "inv-2 slows down 10x", "inv-3 killed (port closed)", "inv-4 answers 503 half the time",
        "inv-2 back to normal speed", "inv-3 restarted", "inv-4 healthy again");
    assertThat(FaultSchedule.offset(steps.get(1), Duration.ofSeconds(40)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(FaultSchedule.named("none", true, 5).steps()).isEmpty();
    assertThat(FaultSchedule.named("default", false, 5).steps()).hasSize(6);
  }

  @Test
  void withTheRegistryAServerJoinsOneLeavesAndZooKeeperGoesDownAfterTheServerFaults() {
    List<FaultSchedule.Step> steps = FaultSchedule.named("default", true, 5).steps();
    assertThat(steps).extracting(FaultSchedule.Step::description).containsExactly(
        "inv-2 slows down 10x", "inv-3 killed (port closed)", "inv-4 answers 503 half the time",
        "inv-6 starts and registers in ZooKeeper", "inv-2 back to normal speed",
        "inv-3 restarted", "inv-1 deregisters from ZooKeeper (a graceful shutdown)",
        "inv-4 healthy again", "inv-1 stops once its drain is over",
        "ZooKeeper stopped", "ZooKeeper restarted");
    assertThat(steps).extracting(FaultSchedule.Step::atFraction).isSorted();
  }

  /** Threads the demo started that are still alive after waiting up to {@code max}. */
  private static List<String> demoThreadsAlive(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    List<String> alive;
    do {
      alive = Thread.getAllStackTraces().keySet().stream()
          .filter(Thread::isAlive)
          .map(Thread::getName)
          .filter(n -> n.startsWith("order-client") || n.startsWith("demo-")
              || n.startsWith("inventory-") || n.startsWith("lbkit-"))
          .collect(Collectors.toList());
      if (alive.isEmpty()) {
        return alive;
      }
      try {
        Thread.sleep(10); // polling: executors end their threads asynchronously
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return alive;
      }
    } while (System.nanoTime() - end < 0);
    return alive;
  }
}
