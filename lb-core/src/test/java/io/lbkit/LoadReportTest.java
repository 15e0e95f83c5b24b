package io.lbkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lbkit.spi.ServerLoad;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadReportTest {
  private final AtomicLong now = new AtomicLong(); // lb-testing depends on lb-core: no ManualTicker
  private final LoadTracker tracker = LoadTracker.create(now::get, Duration.ofSeconds(10));
  private final Server a = Server.of("10.0.0.1", 8080);

  @Test
  void parsesTheTextFormOfTheHeader() {
    LoadReport r = LoadReport.parseText("TEXT cpu_utilization=0.3, mem_utilization=0.8, "
        + "rps_fractional=10.0, eps=1, named_metrics.foo=123");
    assertThat(r.cpuUtilization()).isEqualTo(0.3);
    assertThat(r.applicationUtilization()).isZero();
    assertThat(r.utilization()).isEqualTo(0.3);
    assertThat(r.qps()).isEqualTo(10.0);
    assertThat(r.eps()).isEqualTo(1.0);
    assertThat(r.namedMetrics()).isEqualTo(Map.of("foo", 123.0));
  }

  @Test
  void applicationUtilizationWinsOverCpuWhenAboveZero() {
    LoadReport r = LoadReport.parseText("text application_utilization=0.6,cpu_utilization=0.2");
    assertThat(r.utilization()).isEqualTo(0.6);
    assertThat(LoadReport.parseText("TEXT application_utilization=0, cpu_utilization=0.2")
        .utilization()).isEqualTo(0.2);
  }

  @Test
  void skipsUnknownKeysAndAcceptsAnEmptyReport() {
    assertThat(LoadReport.parseText("TEXT rps_fractional=5, rq_cost.x=3, new_field=1").qps())
        .isEqualTo(5.0);
    // a field this version does not know may carry any value, numeric or not
    assertThat(LoadReport.parseText("TEXT rps_fractional=5, new_field=abc, other=").qps())
        .isEqualTo(5.0);
    assertThat(LoadReport.parseText("TEXT")).isEqualTo(LoadReport.builder().build());
  }

  @Test
  void rejectsMalformedHeadersNamingWhatIsWrong() {
    assertThatThrownBy(() -> LoadReport.parseText("JSON {\"cpu_utilization\": 0.3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint-load-metrics").hasMessageContaining("TEXT");
    assertThatThrownBy(() -> LoadReport.parseText("TEXT cpu_utilization"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
    assertThatThrownBy(() -> LoadReport.parseText("TEXT eps=lots"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps")
        .hasMessageContaining("a number");
    assertThatThrownBy(() -> LoadReport.parseText("TEXT cpu_utilization=-0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpuUtilization: -0.1 (expected: finite and >= 0)");
    assertThatThrownBy(() -> LoadReport.parseText("TEXT rps_fractional=NaN"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qps: NaN");
  }

  @Test
  void theBuilderRejectsNegativeNanAndInfiniteFigures() {
    assertThatThrownBy(() -> LoadReport.of(Double.NaN, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpuUtilization: NaN");
    assertThatThrownBy(() -> LoadReport.of(0.5, -1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qps: -1.0");
    assertThatThrownBy(() -> LoadReport.of(0.5, 1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps: Infinity");
    assertThatThrownBy(() -> LoadReport.builder().namedMetric("x", -2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namedMetrics.x");
  }

  @Test
  void anAttemptsReportReachesTheServersMetricsBeforeOrAfterItsEnd() {
    Selector selector = Selector.builder(ServerPool.of(a)).strategy(new FirstStrategy())
        .tracker(tracker).build();
    AtomicInteger told = new AtomicInteger();
    tracker.addLoadReportListener(told::incrementAndGet);
    ServerLoad load = tracker.metrics(a);
    assertThat(load.loadReport()).isNull();

    now.set(5);
    LoadReport first = LoadReport.of(0.5, 100, 0);
    LoadReport second = LoadReport.of(0.7, 120, 1);
    try (Attempt at = selector.begin()) {
      at.report(first);
      at.success();
      now.set(9);
      at.report(second); // after the end: still recorded
    }
    assertThat(load.loadReport()).isEqualTo(second);
    assertThat(load.loadReportNanos()).isEqualTo(9);
    assertThat(load.firstLoadReportNanos()).isEqualTo(5);
    assertThat(told.get()).isEqualTo(2);
    assertThatThrownBy(() -> selector.begin().report(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aReportForAServerTheTrackerHoldsNothingForIsDropped() {
    AtomicInteger told = new AtomicInteger();
    tracker.addLoadReportListener(told::incrementAndGet);
    tracker.onLoadReport(a, LoadReport.of(0.5, 10, 0)); // no call ever started on it
    assertThat(tracker.stateSize()).isZero();
    assertThat(told.get()).isZero();
  }

  /** Always the first candidate. */
  private static final class FirstStrategy implements Strategy {
    @Override
    public io.lbkit.spi.Picker newPicker(io.lbkit.spi.Candidates candidates,
        io.lbkit.spi.Picker previous) {
      return request -> candidates.server(0);
    }
  }
}
