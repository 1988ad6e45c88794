/**
 * The benchmark suite's load generator: open-model, constant-rate, latency measured from the intended send time.
 * Run by {@code bench/run.sh}; never part of the test run.
 */
package dev.paymentrouter.bench.load;
