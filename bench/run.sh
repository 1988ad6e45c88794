#!/usr/bin/env bash
# The payment-router benchmark suite: builds the jar, then runs every scenario against a PostgreSQL cluster of its
# own, the provider simulators and the router as separate processes, all on 127.0.0.1. See docs/benchmarks.md.
#
#   bench/run.sh                 # everything, about 12-15 minutes; writes docs/benchmarks.md and the chart
#   bench/run.sh --quick         # shorter and fewer steps, about 5 minutes; report in target/bench/
#   bench/run.sh --only jmh      # one or more of: throughput,overhead,overload,isolation,inflight,webhooks,takeover,jmh
#   bench/run.sh --no-build ...  # reuse target/ as built
#   bench/run.sh --help          # every option
set -euo pipefail
cd "$(dirname "$0")/.."

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | cut -d. -f1
}
usable() {
  [ -n "${1:-}" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/jcmd" ] && [ "$(java_major "$1")" -ge 21 ] 2>/dev/null
}
if ! usable "${JAVA_HOME:-}"; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*; do
    if usable "$candidate" && { [ -z "$JAVA_HOME" ] || [ "$(java_major "$candidate")" -gt "$(java_major "$JAVA_HOME")" ]; }; then
      JAVA_HOME="$candidate"
    fi
  done
fi
[ -n "${JAVA_HOME:-}" ] || { echo "A JDK 21 or newer is required (set JAVA_HOME)." >&2; exit 1; }
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
command -v /usr/lib/postgresql/15/bin/pgbench >/dev/null || echo "warning: PostgreSQL 15 not found (--pg-bin)" >&2

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) build=0; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done
mkdir -p target/bench
if [ "$build" = 1 ]; then
  echo "Building the jar and the benchmark classes (tests skipped)"
  ./mvnw -B -q -DskipTests package
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
fi
exec python3 bench/suite.py "${args[@]}"
