package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.operations.OperatorStore.ProviderControl;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderGatekeeper;
import dev.paymentrouter.testsupport.TestProviders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An operator's change applied on this replica is not undone by a poll round that read the table before it: the
 * round's reads are held open here, so the order that a busy database makes rare is made certain.
 */
class ProviderControlsTest {

  private final Scheduler scheduler = Schedulers.newSingle("controls-test");
  private final ProviderDirectory providers = TestProviders.directory("alpha");
  private final List<Sinks.One<List<ProviderControl>>> reads = new CopyOnWriteArrayList<>();
  private ProviderControls controls;

  @AfterEach
  void stop() {
    controls.stop();
    scheduler.dispose();
  }

  @Test
  void aRoundThatReadTheTableBeforeAnOperatorsChangeDoesNotPutTheOldControlBack() {
    ProviderControl forced = new ProviderControl("alpha", false, true, "ops", null);
    ProviderControl auto = new ProviderControl("alpha", false, false, "ops", null);
    controls = new ProviderControls(providers, this::read, Duration.ofHours(1), scheduler);
    ProviderGatekeeper alpha = providers.find("alpha").orElseThrow().gatekeeper();

    // Start-up reads the table (forced open), then the first round reads it again and waits for the database.
    Thread starting = Thread.ofPlatform().start(controls::start);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() == 1);
    reads.get(0).tryEmitValue(List.of(forced));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() == 2 && !starting.isAlive());
    assertThat(alpha.forcedOpen()).isTrue();

    // The operator sets the breaker back to automatic; then the round's old read arrives.
    controls.applyNow(auto);
    assertThat(alpha.forcedOpen()).isFalse();
    reads.get(1).tryEmitValue(List.of(forced));

    // The next round has begun (so the old one is over) and the breaker is still automatic.
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() == 3);
    assertThat(alpha.forcedOpen()).isFalse();

    // A read made after the change is applied as usual.
    reads.get(2).tryEmitValue(List.of(auto));
    controls.applyNow(forced);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() == 4);
    reads.get(3).tryEmitValue(List.of(forced));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(alpha::forcedOpen);
  }

  private Flux<ProviderControl> read() {
    Sinks.One<List<ProviderControl>> read = Sinks.one();
    reads.add(read);
    return read.asMono().flatMapMany(Flux::fromIterable);
  }
}
