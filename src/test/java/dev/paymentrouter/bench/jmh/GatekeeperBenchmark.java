package dev.paymentrouter.bench.jmh;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.runtime.GatekeeperSettings;
import dev.paymentrouter.provider.runtime.ProviderGatekeeper;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Gatekeeper admission as every provider call pays it: {@code tryAdmit} (circuit breaker permission, then a
 * Bucket4j token) followed by {@code record} of the outcome into the breaker's sliding window, alone and with two
 * threads on one provider (the node's two event loops). The bucket is large enough never to run dry, so every call
 * takes the admitted path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatekeeperBenchmark {

  private static final ProviderOutcome APPROVED = new ProviderOutcome.Approved("ch_1");
  private static final Duration ELAPSED = Duration.ofMillis(25);

  private ProviderGatekeeper gatekeeper;

  @Setup
  public void setUp() {
    GatekeeperSettings settings = new GatekeeperSettings(1_000_000_000, 1_000_000_000, 50, 100,
        Duration.ofSeconds(3), Duration.ofSeconds(10), 20, 10, 3);
    gatekeeper = new ProviderGatekeeper("alpha", settings, Clock.systemUTC());
  }

  /** One admitted call and its approval, on one thread. */
  @Benchmark
  public ProviderGatekeeper.Admission admitAndRecord() {
    ProviderGatekeeper.Admission admission = gatekeeper.tryAdmit();
    gatekeeper.record(APPROVED, ELAPSED);
    return admission;
  }

  /** The same, from two threads at once on one provider's gatekeeper. */
  @Benchmark
  @Group("contended")
  @GroupThreads(2)
  public ProviderGatekeeper.Admission admitAndRecordContended() {
    ProviderGatekeeper.Admission admission = gatekeeper.tryAdmit();
    gatekeeper.record(APPROVED, ELAPSED);
    return admission;
  }
}
