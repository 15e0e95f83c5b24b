package io.lbkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The CI profile of the benchmarks: every JMH benchmark in this module runs once, in-process, at
 * N = 10 for a few milliseconds. It proves they run (setup, the measured method, teardown); its
 * timings mean nothing and are not asserted. The figures come from the full profile in the README.
 */
class BenchmarksRunTest {

  @Test
  void everyBenchmarkRunsAndProducesAScore() throws Exception {
    // A smoke run measures nothing, so it need not wait for a real JMH run holding the lock.
    System.setProperty("jmh.ignoreLock", "true");
    Options options = new OptionsBuilder()
        .include("io\\.lbkit\\.bench\\..*")
        .param("N", "10")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(20))
        .threads(1)
        .shouldFailOnError(true)
        .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(options).run();

    Set<String> benchmarks = new TreeSet<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      benchmarks.add(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
      assertThat(r.getPrimaryResult().getScore()).as(name + " " + r.getParams()).isPositive();
    }
    assertThat(benchmarks).contains(
        "FloorBenchmark.roundRobinFloor", "FloorBenchmark.randomFloor", "FloorBenchmark.p2cFloor",
        "StrategyBenchmark.choose", "CallPathBenchmark.execute");
    assertThat(results.size()).as("benchmark x parameter combinations run").isGreaterThan(60);
  }
}
