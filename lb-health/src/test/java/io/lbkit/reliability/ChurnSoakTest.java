package io.lbkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The churn of {@link ChurnStressTest} for a long time, every strategy in turn: guarantee 7 over
 * hours rather than seconds. Run by hand only, with {@code -Dlbkit.soak=10m} (also {@code 45s},
 * {@code 2h}); skipped otherwise.
 *
 * <p>The baseline is the heap in use after a full GC once every strategy has churned once (so
 * classes, JIT and pools are warm); at the end the heap after GC must be within 5% of it (plus 1
 * MiB of slack for a heap that small that 5% is noise).
 */
class ChurnSoakTest {
  private static final int UPDATES_PER_ROUND = 500;
  private static final int PICKS_PER_UPDATE = 40;
  private static final long SLACK_BYTES = 1 << 20;

  @Test
  void heapAfterGcStaysWithinFivePercentOfItsStartThroughALongChurn() throws Exception {
    String soak = System.getProperty("lbkit.soak");
    assumeTrue(soak != null && !soak.isBlank(), "a soak runs only with -Dlbkit.soak=<duration>");
    Duration length = parse(soak);

    List<Churn> churns = new ArrayList<>();
    for (EveryStrategy.Named n : EveryStrategy.forStress()) {
      Churn c = new Churn(n.name(), n.strategy());
      c.run(UPDATES_PER_ROUND, PICKS_PER_UPDATE);
      churns.add(c);
    }
    long baseline = heapAfterGc();
    long deadline = System.nanoTime() + length.toNanos();
    long rounds = 0;
    while (System.nanoTime() < deadline) {
      for (Churn c : churns) {
        c.run(UPDATES_PER_ROUND, PICKS_PER_UPDATE);
        assertThat(c.failure.get()).as(c.name).isNull();
        assertThat(c.ends.get()).isEqualTo(c.permits.get());
      }
      rounds++;
    }
    for (Churn c : churns) {
      c.ticker.advance(Churn.GRACE.plus(Churn.MAX_EJECTION));
      c.monitor.tick();
      assertThat(c.monitor.stateSize()).as(c.name).isEqualTo(c.pool.servers().size());
    }
    long end = heapAfterGc();
    System.out.printf(Locale.ROOT, "soak %s: %d rounds x %d strategies, heap after GC %d -> %d "
        + "bytes (%+.2f%%)%n", length, rounds, churns.size(), baseline, end,
        100.0 * (end - baseline) / baseline);
    assertThat(end).isLessThanOrEqualTo((long) (baseline * 1.05) + SLACK_BYTES);
  }

  /** The least heap in use over three full collections. */
  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /** "10m", "45s", "2h", or an ISO-8601 duration such as "PT10M". */
  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt")) {
      return Duration.parse(text.trim());
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException("lbkit.soak: " + text
          + " (expected: a duration such as 10m, 45s, 2h or PT10M)");
    };
  }
}
