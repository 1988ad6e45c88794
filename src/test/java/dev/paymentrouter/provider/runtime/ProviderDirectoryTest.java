package dev.paymentrouter.provider.runtime;

import static dev.paymentrouter.testsupport.ScriptedConnector.capture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.connector.ConnectorSettings;
import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.connector.ProviderConnectorFactory;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import dev.paymentrouter.testsupport.MutableClock;
import dev.paymentrouter.testsupport.ScriptedConnector;
import dev.paymentrouter.testsupport.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

class ProviderDirectoryTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final GatekeeperSettings LIMITS =
      new GatekeeperSettings(100, 100, 50, 100, Duration.ofSeconds(3), Duration.ofSeconds(10), 20, 10, 3);

  final ProviderConnectorFactory approving = new ProviderConnectorFactory() {
    @Override
    public String type() {
      return "scripted";
    }

    @Override
    public ProviderConnector create(ConnectorSettings settings) {
      return ScriptedConnector.approving();
    }
  };

  // Time stands still, so no token comes back while the test counts them.
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final ProviderDirectory directory = new ProviderDirectory(
      List.of(withValidity(TestProviders.settings("alpha", "scripted", LIMITS, 3), Duration.ofDays(29)),
          TestProviders.settings("beta", "scripted", LIMITS, 3)),
      List.of(approving), clock, Schedulers.parallel(), CircuitBreakerRegistry.ofDefaults());

  @AfterEach
  void stop() {
    directory.stop();
  }

  @Test
  void sendsAModificationToTheSupervisorOfTheProviderThatHoldsThePayment() {
    directory.start();

    assertThat(directory.modify(capture("beta", 1)).block(WAIT))
        .isEqualTo(new ModificationOutcome.Succeeded("mod_" + capture("beta", 1).idempotencyKey()));
    assertThat(directory.find("beta").orElseThrow().gatekeeper().availableTokens()).isEqualTo(99);
    assertThat(directory.find("alpha").orElseThrow().gatekeeper().availableTokens()).isEqualTo(100);
  }

  @Test
  void refusesAModificationOrItsStatusQueryForAProviderItDoesNotKnow() {
    directory.start();

    // The router itself did not send it: nothing moved, and no other provider is tried (the payment lives there).
    assertThat(directory.modify(capture("omega", 1)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.UNKNOWN_PROVIDER));
    assertThat(directory.modificationStatus(capture("omega", 1), Instant.EPOCH).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.UNKNOWN_PROVIDER));
  }

  @Test
  void refusesModificationsOfAProviderThatIsNotRunning() {
    // Not started yet.
    assertThat(directory.modify(capture("alpha", 1)).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING));
    assertThat(directory.modificationStatus(capture("alpha", 1), Instant.EPOCH).block(WAIT))
        .isEqualTo(new ModificationOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING));
  }

  @Test
  void knowsHowLongEachProvidersAuthorizationsStayCapturable() {
    assertThat(directory.authorizationValidity("alpha")).isEqualTo(Duration.ofDays(29));
    assertThat(directory.authorizationValidity("beta")).isEqualTo(Duration.ofDays(7));
    // A provider no longer configured: the default, so its authorizations are still cancelled in time.
    assertThat(directory.authorizationValidity("omega")).isEqualTo(Duration.ofDays(7));
  }

  private static ProviderSettings withValidity(ProviderSettings settings, Duration validity) {
    return new ProviderSettings(settings.name(), settings.type(), settings.connector(), settings.gatekeeper(),
        settings.pool(), settings.restart(), validity);
  }
}
