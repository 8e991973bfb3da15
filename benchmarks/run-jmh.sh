#!/usr/bin/env bash
# Builds the benchmarks module and runs the JMH suite with settings sized for a small (2-core) machine,
# then prints the ratio report (ours vs baseline, same run) produced by JmhReport.
#
#   benchmarks/run-jmh.sh [--quick] [--iterations N] [--no-build] [FILTER_REGEX] [-- EXTRA_JMH_ARGS...]
#
#   FILTER_REGEX  JMH include pattern (default: the whole suite), e.g. 'TransformerThroughput' or
#                 'PipelineCopy|Checksum'
#   --quick       1 warmup + 2 measurement iterations of 1 s (a smoke run; ratios are rough)
#   --iterations N  N measurement iterations of 2 s instead of 3 (narrower error bars, longer run)
#   --no-build    skip the Maven build (use what is in benchmarks/target)
#
# Output: benchmarks/results/jmh-<UTC date-time>.json (raw JMH results) and the same name with .md
# (the report). Run from anywhere; paths are relative to the repository root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

QUICK=0
ITERATIONS=3
BUILD=1
FILTER=""
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --) shift; EXTRA=("$@"); break ;;
    --iterations) shift; ITERATIONS="${1:?--iterations needs a number}" ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) FILTER="$1" ;;
  esac
  shift
done

if [[ $BUILD -eq 1 ]]; then
  mvn -B -q -pl benchmarks -am package -DskipTests
fi

CP="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p benchmarks/results
JSON="benchmarks/results/jmh-${STAMP}.json"
REPORT="benchmarks/results/jmh-${STAMP}.md"

if [[ $QUICK -eq 1 ]]; then
  ITER=(-wi 1 -w 1s -i 2 -r 1s)
else
  ITER=(-wi 2 -w 2s -i "$ITERATIONS" -r 2s)
fi

# One fork, one thread, a fixed heap: the machine is small and shared, so keep runs short and steady.
java -cp "$CP" org.openjdk.jmh.Main ${FILTER:+"$FILTER"} \
  -f 1 -t 1 "${ITER[@]}" \
  -jvmArgs "-Xms1g -Xmx1g" \
  -rf json -rff "$JSON" "${EXTRA[@]}"

java -cp "$CP" io.github.neo4jbackup.benchmarks.jmh.JmhReport "$JSON" "$REPORT"
echo
echo "Results: $JSON"
echo "Report:  $REPORT"
