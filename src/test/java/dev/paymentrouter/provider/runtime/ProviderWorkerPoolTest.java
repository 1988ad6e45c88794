package dev.paymentrouter.provider.runtime;

import static dev.paymentrouter.testsupport.ScriptedConnector.capture;
import static dev.paymentrouter.testsupport.ScriptedConnector.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.testsupport.MutableClock;
import dev.paymentrouter.testsupport.ScriptedConnector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ProviderWorkerPoolTest {

  /** Counts what the pool reports, as the gatekeeper and supervisor would see it. */
  static final class CountingObserver implements ProviderWorkerPool.CallObserver {
    final List<ProviderOutcome> completed = new CopyOnWriteArrayList<>();
    final List<ModificationOutcome> modifications = new CopyOnWriteArrayList<>();
    final AtomicInteger notMade = new AtomicInteger();
    final List<Throwable> crashes = new CopyOnWriteArrayList<>();

    @Override
    public void completed(ProviderOutcome outcome, Duration elapsed) {
      completed.add(outcome);
    }

    @Override
    public void modificationCompleted(ModificationOutcome outcome, Duration elapsed) {
      modifications.add(outcome);
    }

    @Override
    public void notMade() {
      notMade.incrementAndGet();
    }

    @Override
    public void crashed(Throwable error) {
      crashes.add(error);
    }
  }

  final CountingObserver observer = new CountingObserver();

  @Test
  void runsAtMostItsConcurrencyAndQueuesTheRest() {
    List<Sinks.One<ProviderOutcome>> gates = new CopyOnWriteArrayList<>();
    ScriptedConnector connector = new ScriptedConnector(request -> {
      Sinks.One<ProviderOutcome> gate = Sinks.one();
      gates.add(gate);
      return gate.asMono();
    });
    ProviderWorkerPool pool = pool(2, 10, connector);

    List<Mono<ProviderOutcome>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Mono<ProviderOutcome> call = pool.submit(request("alpha", i)).cache();
      call.subscribe();
      calls.add(call);
    }

    assertThat(pool.inFlight()).isEqualTo(2);
    assertThat(pool.queueDepth()).isEqualTo(3);
    assertThat(connector.requests()).hasSize(2);

    // Each finished call lets one queued call start.
    gates.get(0).tryEmitValue(new ProviderOutcome.Approved("ch_0"));
    assertThat(connector.requests()).hasSize(3);
    assertThat(pool.queueDepth()).isEqualTo(2);
    StepVerifier.create(calls.get(0)).expectNext(new ProviderOutcome.Approved("ch_0")).verifyComplete();
  }

  @Test
  void aChargeTakenUpAfterItsSendersLeaseRanOutIsNotMade() {
    // A stale owner: its lease ran out while its charge waited for a worker (a pause, a slow queue).
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    List<Sinks.One<ProviderOutcome>> gates = new CopyOnWriteArrayList<>();
    ScriptedConnector connector = new ScriptedConnector(request -> {
      Sinks.One<ProviderOutcome> gate = Sinks.one();
      gates.add(gate);
      return gate.asMono();
    });
    ProviderWorkerPool pool = new ProviderWorkerPool(1, 5, Duration.ofSeconds(30), Duration.ofSeconds(30),
        connector, observer, Schedulers.parallel(), clock);
    Instant leaseEnd = clock.instant().plusSeconds(30);
    Mono<ProviderOutcome> first = pool.submit(request("alpha", 1), leaseEnd).cache();
    first.subscribe();
    Mono<ProviderOutcome> queued = pool.submit(request("alpha", 2), leaseEnd).cache();
    queued.subscribe();
    assertThat(connector.requests()).hasSize(1);

    clock.advance(Duration.ofSeconds(31));
    gates.getFirst().tryEmitValue(new ProviderOutcome.Approved("ch_1"));

    StepVerifier.create(queued)
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.LEASE_EXPIRED))
        .verifyComplete();
    assertThat(connector.requests()).as("the second charge never reached the provider").hasSize(1);
    assertThat(observer.notMade).hasValue(1);
    // Nor does a charge submitted after its lease ran out, though a worker is free.
    StepVerifier.create(pool.submit(request("alpha", 3), leaseEnd))
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.LEASE_EXPIRED))
        .verifyComplete();
    assertThat(connector.requests()).hasSize(1);
    assertThat(pool.inFlight()).isZero();
    // Within its lease a charge goes out as before.
    pool.submit(request("alpha", 4), clock.instant().plusSeconds(30)).subscribe();
    assertThat(connector.requests()).hasSize(2);
  }

  @Test
  void answersNotSentAtOnceWhenTheQueueIsFull() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never());
    ProviderWorkerPool pool = pool(1, 1, connector);
    pool.submit(request("alpha", 1)).subscribe();
    pool.submit(request("alpha", 2)).subscribe();

    StepVerifier.create(pool.submit(request("alpha", 3)))
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.POOL_FULL))
        .verifyComplete();
    assertThat(connector.requests()).hasSize(1);
    assertThat(observer.notMade).hasValue(1);
  }

  @Test
  void answersNotSentWhenACallWaitsInTheQueueTooLong() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never());
    ProviderWorkerPool pool = new ProviderWorkerPool(1, 5, Duration.ofSeconds(30), Duration.ofMillis(50),
        connector, observer, Schedulers.parallel());
    pool.submit(request("alpha", 1)).subscribe();

    StepVerifier.create(pool.submit(request("alpha", 2)))
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.QUEUE_TIMEOUT))
        .verifyComplete();
    assertThat(connector.requests()).hasSize(1);
    // The caller hears first; the queue lets go of the call right after (on the timer's thread).
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.queueDepth() == 0);
  }

  @Test
  void answersUnknownWhenARunningCallTimesOut() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never());
    ProviderWorkerPool pool = new ProviderWorkerPool(1, 5, Duration.ofMillis(50), Duration.ofSeconds(1),
        connector, observer, Schedulers.parallel());

    StepVerifier.create(pool.submit(request("alpha", 1)))
        .expectNext(new ProviderOutcome.Unknown("timeout"))
        .verifyComplete();
    // The caller hears first; the breaker's observer right after.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(observer.completed).containsExactly(new ProviderOutcome.Unknown("timeout")));
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.inFlight() == 0);
  }

  @Test
  void reportsAConnectorErrorAsACrashAndAnswersUnknown() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.error(new IllegalStateException("bug")));
    ProviderWorkerPool pool = pool(1, 1, connector);

    StepVerifier.create(pool.submit(request("alpha", 1)))
        .expectNext(new ProviderOutcome.Unknown("connector_crashed"))
        .verifyComplete();
    assertThat(observer.crashes).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void answersQueuedCallsNotSentWhenClosed() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never());
    ProviderWorkerPool pool = pool(1, 5, connector);
    pool.submit(request("alpha", 1)).subscribe();
    Mono<ProviderOutcome> queued = pool.submit(request("alpha", 2)).cache();
    queued.subscribe();

    pool.close(RouterRefusal.PROVIDER_RESTARTING);

    StepVerifier.create(queued).expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING))
        .verifyComplete();
    StepVerifier.create(pool.submit(request("alpha", 3)))
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING))
        .verifyComplete();
  }

  @Test
  void modificationsWaitForTheSameWorkersAndQueueSlotsAsCharges() {
    List<Sinks.One<ProviderOutcome>> gates = new CopyOnWriteArrayList<>();
    ScriptedConnector connector = new ScriptedConnector(request -> {
      Sinks.One<ProviderOutcome> gate = Sinks.one();
      gates.add(gate);
      return gate.asMono();
    });
    ProviderWorkerPool pool = pool(1, 1, connector);

    // 1. A charge takes the only worker; a capture takes the only queue slot.
    pool.submit(request("alpha", 1)).subscribe();
    Mono<ModificationOutcome> queued = pool.submit(capture("alpha", 1)).cache();
    queued.subscribe();
    assertThat(pool.queueDepth()).isEqualTo(1);
    assertThat(connector.modifications()).isEmpty();

    // 2. Neither a charge nor another modification finds room: both are refused at once, in their own types.
    StepVerifier.create(pool.submit(capture("alpha", 2)))
        .expectNext(new ModificationOutcome.RouterRefused(RouterRefusal.POOL_FULL))
        .verifyComplete();
    StepVerifier.create(pool.submit(request("alpha", 3)))
        .expectNext(new ProviderOutcome.RouterRefused(RouterRefusal.POOL_FULL))
        .verifyComplete();
    assertThat(observer.notMade).hasValue(2);

    // 3. The charge ends: the capture runs on the freed worker and is reported as a modification, not a charge.
    gates.getFirst().tryEmitValue(new ProviderOutcome.Approved("ch_1"));
    StepVerifier.create(queued)
        .expectNext(new ModificationOutcome.Succeeded("mod_" + capture("alpha", 1).idempotencyKey()))
        .verifyComplete();
    assertThat(connector.modifications()).containsExactly(capture("alpha", 1));
    assertThat(observer.completed).containsExactly(new ProviderOutcome.Approved("ch_1"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(observer.modifications)
        .containsExactly(new ModificationOutcome.Succeeded("mod_" + capture("alpha", 1).idempotencyKey())));
  }

  @Test
  void answersUnknownWhenARunningModificationTimesOut() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never(), modification -> Mono.never());
    ProviderWorkerPool pool = new ProviderWorkerPool(1, 5, Duration.ofMillis(50), Duration.ofSeconds(1),
        connector, observer, Schedulers.parallel());

    // It may have reached the provider: unknown, never refused.
    StepVerifier.create(pool.submit(capture("alpha", 1)))
        .expectNext(new ModificationOutcome.Unknown("timeout"))
        .verifyComplete();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(observer.modifications).containsExactly(new ModificationOutcome.Unknown("timeout")));
    assertThat(observer.completed).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.inFlight() == 0);
  }

  @Test
  void reportsAModificationsConnectorErrorAsACrashAndAnswersUnknown() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never(),
        modification -> Mono.error(new IllegalStateException("bug")));
    ProviderWorkerPool pool = pool(1, 1, connector);

    StepVerifier.create(pool.submit(capture("alpha", 1)))
        .expectNext(new ModificationOutcome.Unknown("connector_crashed"))
        .verifyComplete();
    assertThat(observer.crashes).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void answersAQueuedModificationRouterRefusedWhenClosed() {
    ScriptedConnector connector = new ScriptedConnector(request -> Mono.never());
    ProviderWorkerPool pool = pool(1, 5, connector);
    pool.submit(request("alpha", 1)).subscribe();
    Mono<ModificationOutcome> queued = pool.submit(capture("alpha", 2)).cache();
    queued.subscribe();

    pool.close(RouterRefusal.PROVIDER_RESTARTING);

    StepVerifier.create(queued)
        .expectNext(new ModificationOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING))
        .verifyComplete();
    assertThat(connector.modifications()).isEmpty();
  }

  private ProviderWorkerPool pool(int concurrency, int queue, ScriptedConnector connector) {
    return new ProviderWorkerPool(concurrency, queue, Duration.ofSeconds(30), Duration.ofSeconds(30), connector,
        observer, Schedulers.parallel());
  }
}
