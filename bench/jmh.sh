#!/usr/bin/env bash
# The JMH benchmarks alone (src/test/java/dev/paymentrouter/bench/jmh), with any JMH options, e.g.
#   bench/jmh.sh                              # all of them, JMH's settings from the annotations
#   bench/jmh.sh RoutingPolicy -prof gc       # one class, with the allocation profiler
#   bench/jmh.sh -h                           # JMH's options
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*21* 2>/dev/null | head -n 1)
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
mkdir -p target/bench
./mvnw -B -q -DskipTests test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
[ $# -gt 0 ] || set -- 'dev.paymentrouter.bench.jmh.*'
exec java -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" org.openjdk.jmh.Main "$@"
