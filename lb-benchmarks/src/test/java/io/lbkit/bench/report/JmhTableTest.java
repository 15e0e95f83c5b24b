package io.lbkit.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhTableTest {

  /** Three results as JMH 1.37 writes them (trimmed), one without an error estimate. */
  private static final String RESULTS = "[\n"
      + result("io.lbkit.bench.peers.PeerBenchmark.roundRobin", "\"impl\" : \"grpc\", \"N\" : \"1000\"",
          "6.5", "0.25", "ns/op", "0.0")
      + ",\n"
      + result("io.lbkit.bench.peers.PeerBenchmark.roundRobin", "\"impl\" : \"lbkit\", \"N\" : \"1000\"",
          "0.0052", "\"NaN\"", "us/op", "0.0")
      + ",\n"
      + result("io.lbkit.bench.FloorBenchmark.roundRobinFloor", "\"N\" : \"1000\"",
          "2.6", "0.1", "ns/op", "0.0")
      + ",\n"
      + result("io.lbkit.bench.peers.PeerBenchmark.roundRobin", "\"impl\" : \"spring\", \"N\" : \"1000\"",
          "104", "3", "ns/op", "200.0")
      + "\n]";

  private static String result(String benchmark, String params, String score, String error,
      String unit, String bytes) {
    return "{ \"jmhVersion\" : \"1.37\", \"benchmark\" : \"" + benchmark + "\", \"mode\" : \"avgt\","
        + " \"threads\" : 2, \"forks\" : 1, \"jvmArgs\" : [ \"-Dx=\\\"y\\\"\" ],"
        + " \"params\" : { " + params + " },"
        + " \"primaryMetric\" : { \"score\" : " + score + ", \"scoreError\" : " + error + ","
        + " \"scoreConfidence\" : [ 1.0E-3, 2.5e+1 ], \"scoreUnit\" : \"" + unit + "\","
        + " \"rawData\" : [ [ 1.0, 2.0 ] ] },"
        + " \"secondaryMetrics\" : { \"gc.alloc.rate.norm\" : { \"score\" : " + bytes + ","
        + " \"scoreUnit\" : \"B/op\" }, \"gc.count\" : { \"score\" : 0.0, \"scoreUnit\" : \"counts\" } } }";
  }

  @Test
  void readsScoresInNanosecondsWithParamsAndAllocation() {
    List<JmhTable.Row> rows = JmhTable.read(RESULTS);

    assertThat(rows).hasSize(4);
    JmhTable.Row lbkit = rows.get(1);
    assertThat(lbkit.benchmark()).isEqualTo("PeerBenchmark.roundRobin");
    assertThat(lbkit.label()).isEqualTo("lbkit");
    assertThat(lbkit.n()).isEqualTo(1000);
    assertThat(lbkit.threads()).isEqualTo(2);
    assertThat(lbkit.ns()).isCloseTo(5.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lbkit.error()).isNaN();
    assertThat(rows.get(3).bytes()).isEqualTo(200.0);
    assertThat(rows.get(2).label()).isEqualTo("-");
  }

  @Test
  void ratesEachRowAgainstLbkitAndTheFloorOfItsAlgorithm() {
    String table = JmhTable.format(JmhTable.read(RESULTS));

    assertThat(table.lines()).containsExactly(
        "| benchmark | implementation | N | threads | ns/op | ± | B/op | × lbkit | × floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        "| FloorBenchmark.roundRobinFloor | - | 1000 | 2 | 2.60 | 0.10 | 0.00 |  |  |",
        "| PeerBenchmark.roundRobin | lbkit | 1000 | 2 | 5.20 | - | 0.00 | ref | 2.00× |",
        "| PeerBenchmark.roundRobin | grpc | 1000 | 2 | 6.50 | 0.25 | 0.00 | 1.25× | 2.50× |",
        "| PeerBenchmark.roundRobin | spring | 1000 | 2 | 104 | 3.00 | 200 | 20× | 40× |");
  }

  @Test
  void comparesWithThePlainLbkitRowElseTheFastestLbkitVariant() {
    String variants = RESULTS.replace("\"impl\" : \"lbkit\"", "\"impl\" : \"lbkit-a\"")
        .replace("\"impl\" : \"grpc\"", "\"impl\" : \"lbkit-b\"");
    assertThat(JmhTable.format(JmhTable.read(variants)))
        .contains("| lbkit-a | 1000 | 2 | 5.20 | - | 0.00 | ref |")
        .contains("| lbkit-b | 1000 | 2 | 6.50 | 0.25 | 0.00 | 1.25× |");
    String plainSlower = RESULTS.replace("\"impl\" : \"grpc\"", "\"impl\" : \"lbkit-fast\"")
        .replace("\"score\" : 6.5,", "\"score\" : 1.3,");
    assertThat(JmhTable.format(JmhTable.read(plainSlower)))
        .contains("| lbkit | 1000 | 2 | 5.20 | - | 0.00 | ref |")
        .contains("| lbkit-fast | 1000 | 2 | 1.30 | 0.25 | 0.00 | 0.25× |");
  }

  @Test
  void rejectsResultsNotInTimePerOperation() {
    String throughput = RESULTS.replace("\"ns/op\"", "\"ops/ms\"");

    assertThatThrownBy(() -> JmhTable.read(throughput))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scoreUnit: ops/ms (expected: a time per operation, run with -bm avgt)");
  }

  @Test
  void reportsWhereMalformedJsonStops() {
    assertThatThrownBy(() -> Json.parse("[ { \"a\" : 1 "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("json: offset 12 (expected: '}')");
  }
}
