#!/usr/bin/env bash
# Runs the JMH benchmarks, keeps the JSON results and writes them as a Markdown table.
#
#   lb-benchmarks/bench.sh quick [regex]   CI profile: 1 fork, 1 x 1 s warm-up, 1 x 1 s measurement,
#                                          1 thread, stops at the first failing benchmark. Proves
#                                          every benchmark runs; its figures are noise.
#   lb-benchmarks/bench.sh full  [regex]   README profile: 1 fork, 3 x 2 s warm-up, 5 x 2 s
#                                          measurement, -prof gc, once with 1 and once with 2 threads.
#
# regex selects benchmarks as JMH does (default: all of them). Environment:
#   BENCH_OUT      output folder (default lb-benchmarks/target/bench-<profile>)
#   BENCH_THREADS  thread counts to run, space separated (default: quick "1", full "1 2")
#   BENCH_ARGS     extra JMH arguments, for example "-p N=10"
#   BENCH_BUILD=0  use the jar already built instead of packaging first
#   BENCH_FOE=false  quick profile: carry on past a failing benchmark (it is then missing from the table)
# Output: <BENCH_OUT>/jmh-t<threads>.json per thread count, <BENCH_OUT>/results.md (the table),
# <BENCH_OUT>/machine.txt (CPU, cores, JVM, command), all overwritten on each run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
profile="${1:-quick}"
regex="${2:-.*}"
jar="$root/lb-benchmarks/target/lb-benchmarks.jar"

case "$profile" in
  quick)
    jmh_profile=(-f 1 -wi 1 -i 1 -w 1s -r 1s -foe "${BENCH_FOE:-true}")
    threads="${BENCH_THREADS:-1}"
    ;;
  full)
    jmh_profile=(-f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc)
    threads="${BENCH_THREADS:-1 2}"
    ;;
  *)
    echo "profile: $profile (expected: quick or full)" >&2
    exit 2
    ;;
esac

out="${BENCH_OUT:-$root/lb-benchmarks/target/bench-$profile}"
mkdir -p "$out"

if [[ "${BENCH_BUILD:-1}" != 0 ]]; then
  (cd "$root" && mvn -B -ntp -q -pl lb-benchmarks -am package -DskipTests)
fi

# shellcheck disable=SC2206 # BENCH_ARGS is meant to be split into words
extra=(${BENCH_ARGS:-})
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
  echo "cores: $(nproc 2>/dev/null || echo unknown)"
  echo "jvm: $(java -version 2>&1 | grep -v '^NOTE' | head -1)"
  echo "command: lb-benchmarks/bench.sh $profile '$regex' (threads: $threads; JMH ${jmh_profile[*]} ${extra[*]:-})"
} > "$out/machine.txt"

# The peers log their start-up at INFO in the middle of JMH's output; warnings still show.
quiet=(-jvmArgsAppend -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

results=()
for t in $threads; do
  json="$out/jmh-t$t.json"
  java -jar "$jar" "$regex" "${jmh_profile[@]}" "${quiet[@]}" -t "$t" ${extra[@]+"${extra[@]}"} \
    -rf json -rff "$json"
  results+=("$json")
done

java -cp "$jar" io.lbkit.bench.report.JmhTable --machine "$out/machine.txt" "${results[@]}" \
  > "$out/results.md"
echo "table: $out/results.md"
