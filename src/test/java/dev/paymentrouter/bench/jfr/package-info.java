/**
 * Turns the router's JFR recording into collapsed stacks for the benchmark report (and for flame graphs). Run by
 * {@code bench/run.sh}; never part of the test run.
 */
package dev.paymentrouter.bench.jfr;
