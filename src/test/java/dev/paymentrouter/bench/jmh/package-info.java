/**
 * JMH benchmarks of the hot pure paths: the intent state machine, routing with rules, and gatekeeper admission.
 * Compiled by every build so that they cannot rot; run only by {@code bench/jmh.sh} (or {@code bench/run.sh}).
 */
package dev.paymentrouter.bench.jmh;
