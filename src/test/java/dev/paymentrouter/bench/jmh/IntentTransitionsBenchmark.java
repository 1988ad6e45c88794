package dev.paymentrouter.bench.jmh;

import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code IntentTransitions.decide} and {@code evolve} on the happy path of one intent: create (two events), then an
 * approval (two events), and a soft decline that fails over to the next candidate. These run once per transition
 * on the owner's thread, so their cost is part of every intent's latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IntentTransitionsBenchmark {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private IntentCommand.Create create;
  private List<IntentEvent> createdEvents;
  private PaymentIntent processing;
  private IntentCommand.RecordOutcome approve;
  private IntentCommand.RecordOutcome softDecline;
  private List<IntentEvent> approvedEvents;

  @Setup
  public void setUp() {
    RouteOptions route = new RouteOptions(List.of("alpha", "beta", "gamma"), 3, "default");
    create = new IntentCommand.Create("pi_01M8EA1VSR4Q5WA3CSZWDD073M", "merchant_demo", new Money(1299, "EUR"),
        new PaymentMethod("card", "tok_visa", "DE"), "order-123", Map.of("lane", "main", "cart", "42"),
        NOW.plus(Duration.ofMinutes(15)), route, NOW);
    createdEvents = ((Decision.Accepted) IntentTransitions.decide(IntentState.NONE, create)).events();
    processing = IntentTransitions.evolveAll(IntentState.NONE, createdEvents);
    approve = new IntentCommand.RecordOutcome(1, new ProviderOutcome.Approved("ch_88bvs4qvc7ulsjqe5j8m8v2f"), route,
        NOW.plusMillis(30));
    softDecline = new IntentCommand.RecordOutcome(1, new ProviderOutcome.Declined("issuer_unavailable", true), route,
        NOW.plusMillis(30));
    approvedEvents = ((Decision.Accepted) IntentTransitions.decide(processing, approve)).events();
  }

  /** Create: validates the route and produces IntentCreated + AttemptStarted. */
  @Benchmark
  public Decision decideCreate() {
    return IntentTransitions.decide(IntentState.NONE, create);
  }

  /** The provider approved: AttemptApproved + IntentSucceeded. */
  @Benchmark
  public Decision decideApproved() {
    return IntentTransitions.decide(processing, approve);
  }

  /** A soft decline: AttemptDeclined + AttemptStarted on the next candidate. */
  @Benchmark
  public Decision decideSoftDecline() {
    return IntentTransitions.decide(processing, softDecline);
  }

  /** Folds the create events into a new intent (what the owner does before storing it). */
  @Benchmark
  public PaymentIntent evolveCreated() {
    return IntentTransitions.evolveAll(IntentState.NONE, createdEvents);
  }

  /** Folds the approval into the processing intent. */
  @Benchmark
  public PaymentIntent evolveApproved() {
    return IntentTransitions.evolveAll(processing, approvedEvents);
  }
}
