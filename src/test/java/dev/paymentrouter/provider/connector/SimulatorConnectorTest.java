package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** The connector's classification of every answer the simulator can give, over real HTTP. */
class SimulatorConnectorTest extends SimulatorConnectorFixture {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "tok_visa, Approved, ",
      "tok_decline, Declined, insufficient_funds",
      "tok_expired_card, Declined, expired_card",
      "tok_issuer_unavailable, Declined, issuer_unavailable",
      "tok_rate_limited, NotSent, provider_rate_limited",
      "tok_unavailable, NotSent, provider_unavailable",
      "tok_error, Unknown, provider_status_500",
      "tok_requires_action, ActionRequired, requires_action"
  })
  void classifiesEachAnswerOfTheProvider(String token, String kind, String code) {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderOutcome outcome = connector.authorize(request(token)).block(WAIT);
    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
    switch (outcome) {
      case ProviderOutcome.Approved approved -> assertThat(approved.providerReference()).startsWith("ch_");
      case ProviderOutcome.Declined declined -> {
        assertThat(declined.code()).isEqualTo(code);
        assertThat(declined.retryableElsewhere()).isEqualTo("issuer_unavailable".equals(code));
      }
      case ProviderOutcome.NotSent notSent -> assertThat(notSent.reason()).isEqualTo(code);
      case ProviderOutcome.Unknown unknown -> assertThat(unknown.reason()).isEqualTo(code);
      case ProviderOutcome.ActionRequired action -> {
        assertThat(action.providerReference()).startsWith("ch_");
        assertThat(action.action()).isEqualTo(code);
      }
      // A connector never speaks for the router.
      case ProviderOutcome.RouterRefused refused -> assertThat(refused).as("a connector's outcome").isNull();
    }
  }

  @Test
  void aHangingProviderIsUnknownNotFailed() {
    connector = connector("psp_secret", Duration.ofMillis(300));
    assertThat(connector.authorize(request("tok_hang")).block(WAIT))
        .isEqualTo(new ProviderOutcome.Unknown("timeout"));
  }

  @Test
  void aLostResponseIsUnknownAndTheStatusQueryFindsTheCharge() {
    connector = connector("psp_secret", Duration.ofMillis(300));
    ProviderRequest request = request("tok_lost_response");
    assertThat(connector.authorize(request).block(WAIT)).isEqualTo(new ProviderOutcome.Unknown("timeout"));
    assertThat(connector.status(StatusQuery.byReference(request.idempotencyKey(), Instant.now())).block(WAIT))
        .isInstanceOf(ChargeStatus.Charged.class);
  }

  @Test
  void aPaymentWaitingForTheCustomerIsActionRequiredAndTheStatusQuerySaysSo() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest request = request("tok_requires_action");
    ProviderOutcome outcome = connector.authorize(request).block(WAIT);
    assertThat(outcome).isInstanceOf(ProviderOutcome.ActionRequired.class);
    String id = ((ProviderOutcome.ActionRequired) outcome).providerReference();
    assertThat(connector.status(StatusQuery.byReference(request.idempotencyKey(), Instant.now())).block(WAIT))
        .isEqualTo(new ChargeStatus.ActionRequired(id, "requires_action"));
    assertThat(simulator.ledger().approvedCountFor(request.idempotencyKey())).isZero();
  }

  @Test
  void theStatusQueryTellsAChargeThatNeverHappened() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    StatusQuery neverSent = StatusQuery.byReference("never-sent-" + UUID.randomUUID(), Instant.now());
    assertThat(connector.status(neverSent).block(WAIT))
        .isEqualTo(new ChargeStatus.NotFound());
  }

  @Test
  void aWrongCredentialIsRefusedBeforeAnythingIsCharged() {
    connector = connector("wrong", Duration.ofSeconds(5));
    assertThat(connector.authorize(request("tok_visa")).block(WAIT))
        .isEqualTo(new ProviderOutcome.NotSent("provider_rejected_401"));
  }

  @Test
  void aRefusedConnectionIsNotSent() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    connector = new SimulatorConnector(new ConnectorSettings("down", URI.create("http://127.0.0.1:" + closedPort),
        null, null, Duration.ofSeconds(1), Duration.ofSeconds(1), 4), JsonMapper.builder().build());
    assertThat(connector.authorize(request("tok_visa")).block(WAIT))
        .isEqualTo(new ProviderOutcome.NotSent("connection_refused"));
  }

  @Test
  void replaysUseTheProvidersIdempotencySoOneAttemptChargesOnce() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest request = request("tok_visa");
    ProviderOutcome first = connector.authorize(request).block(WAIT);
    ProviderOutcome second = connector.authorize(request).block(WAIT);
    assertThat(second).isEqualTo(first);
    assertThat(simulator.ledger().approvedCountFor(request.idempotencyKey())).isEqualTo(1);
  }

  // ---- manual capture and modifications ----

  @Test
  void aManualCaptureRequestIsAnApprovedHoldThatMovesMoneyOnlyWhenCaptured() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest request = manual("tok_visa");

    ProviderOutcome outcome = connector.authorize(request).block(WAIT);

    assertThat(outcome).isInstanceOf(ProviderOutcome.Approved.class);
    String id = ((ProviderOutcome.Approved) outcome).providerReference();
    assertThat(simulator.ledger().byId(id)).hasValueSatisfying(charge -> assertThat(charge.authorized()).isTrue());
    assertThat(connector.status(StatusQuery.byReference(request.idempotencyKey(), Instant.now())).block(WAIT))
        .isEqualTo(new ChargeStatus.Charged(id));

    ModificationOutcome capture = connector.modify(modification(ModificationRequest.Kind.CAPTURE, request, id, 900))
        .block(WAIT);

    assertThat(capture).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(((ModificationOutcome.Succeeded) capture).providerReference()).startsWith("cp_");
    assertThat(simulator.ledger().capturedFor(request.idempotencyKey())).isEqualTo(900);
    assertThat(simulator.ledger().voidedFor(request.idempotencyKey())).isEqualTo(399);
  }

  @Test
  void cancelsAHoldAndRefundsACharge() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest held = manual("tok_visa");
    String heldId = approvedId(connector.authorize(held).block(WAIT));
    ProviderRequest taken = request("tok_visa");
    String takenId = approvedId(connector.authorize(taken).block(WAIT));

    ModificationOutcome cancel = connector.modify(modification(ModificationRequest.Kind.CANCEL, held, heldId, 1299))
        .block(WAIT);
    ModificationOutcome refund = connector.modify(modification(ModificationRequest.Kind.REFUND, taken, takenId, 299))
        .block(WAIT);

    assertThat(cancel).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(refund).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(simulator.ledger().voidedFor(held.idempotencyKey())).isEqualTo(1299);
    assertThat(simulator.ledger().refundedFor(taken.idempotencyKey())).isEqualTo(299);
  }

  @Test
  void aModificationTheRulesRefuseIsRefusedWithTheProvidersCode() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest taken = request("tok_visa");
    String id = approvedId(connector.authorize(taken).block(WAIT));

    assertThat(connector.modify(modification(ModificationRequest.Kind.REFUND, taken, id, 1300)).block(WAIT))
        .isEqualTo(new ModificationOutcome.Refused("amount_too_large"));
    assertThat(connector.modify(modification(ModificationRequest.Kind.CAPTURE, taken, id, 100)).block(WAIT))
        .isEqualTo(new ModificationOutcome.Refused("charge_not_capturable"));
    assertThat(connector.modify(modification(ModificationRequest.Kind.CANCEL, taken, "ch_missing", 100)).block(WAIT))
        .isEqualTo(new ModificationOutcome.Refused("charge_not_found"));
  }

  @Test
  void aLostRefundIsUnknownAndItsStatusFindsItRecordedOnce() {
    connector = connector("psp_secret", Duration.ofMillis(300));
    ProviderRequest taken = request("tok_visa");
    String id = approvedId(connector.authorize(taken).block(WAIT));
    ModificationRequest refund = modification(ModificationRequest.Kind.REFUND, taken, id, 500);
    simulator.update(SimulatorBehaviour.reliable().withLostResponseRate(1.0));

    assertThat(connector.modify(refund).block(WAIT)).isEqualTo(new ModificationOutcome.Unknown("timeout"));
    simulator.update(SimulatorBehaviour.reliable());
    ModificationOutcome status = connector.modificationStatus(refund, Instant.now()).block(WAIT);
    ModificationOutcome replay = connector.modify(refund).block(WAIT);

    assertThat(status).isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(replay).isEqualTo(status);
    assertThat(simulator.ledger().modificationsOf(id)).hasSize(1);
    assertThat(simulator.ledger().refundedFor(taken.idempotencyKey())).isEqualTo(500);
  }

  @Test
  void aModificationTheProviderNeverRecordedIsReplayedUnderItsKeyAndMovesMoneyOnce() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest taken = request("tok_visa");
    String id = approvedId(connector.authorize(taken).block(WAIT));
    ModificationRequest refund = modification(ModificationRequest.Kind.REFUND, taken, id, 100);

    assertThat(connector.modificationStatus(refund, Instant.now()).block(WAIT))
        .isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(connector.modificationStatus(refund, Instant.now()).block(WAIT))
        .isInstanceOf(ModificationOutcome.Succeeded.class);
    assertThat(simulator.ledger().totalsOf(id).refunded()).isEqualTo(100);
    // The replay of a refund of a payment the provider does not hold is refused: nothing moved.
    assertThat(connector.modificationStatus(modification(ModificationRequest.Kind.REFUND, taken, "ch_whatever", 100),
        Instant.now()).block(WAIT)).isEqualTo(new ModificationOutcome.Refused("charge_not_found"));
  }

  @Test
  void aModificationRefusedBeforeProcessingIsNotSent() {
    connector = connector("psp_secret", Duration.ofSeconds(5));
    ProviderRequest taken = request("tok_visa");
    String id = approvedId(connector.authorize(taken).block(WAIT));
    simulator.update(SimulatorBehaviour.reliable().withAvailable(false));

    assertThat(connector.modify(modification(ModificationRequest.Kind.REFUND, taken, id, 100)).block(WAIT))
        .isEqualTo(new ModificationOutcome.NotSent("provider_unavailable"));
    simulator.update(SimulatorBehaviour.reliable());
    try (SimulatorConnector wrongKey = connector("wrong", Duration.ofSeconds(5))) {
      // A wrong credential fails every modification alike: a configuration error, shown at once.
      assertThat(wrongKey.modify(modification(ModificationRequest.Kind.REFUND, taken, id, 100)).block(WAIT))
          .isEqualTo(new ModificationOutcome.NotSent("provider_rejected_401", true));
    }
    assertThat(simulator.ledger().modificationsOf(id)).isEmpty();
  }

  private static String approvedId(ProviderOutcome outcome) {
    assertThat(outcome).isInstanceOf(ProviderOutcome.Approved.class);
    return ((ProviderOutcome.Approved) outcome).providerReference();
  }

  private static ProviderRequest manual(String token) {
    ProviderRequest plain = request(token);
    return new ProviderRequest(plain.intentId(), 1, "sim", plain.idempotencyKey(), 1299, "EUR", token, true);
  }

  private static ModificationRequest modification(ModificationRequest.Kind kind, ProviderRequest payment,
      String paymentReference, long amount) {
    return new ModificationRequest(kind, payment.intentId(), "sim",
        payment.intentId() + "_" + kind.name().toLowerCase() + "_" + UUID.randomUUID(), paymentReference,
        payment.idempotencyKey(), amount, "EUR", "requested_by_customer");
  }

  private static SimulatorConnector connector(String apiKey, Duration readTimeout) {
    return new SimulatorConnector(new ConnectorSettings("sim", URI.create(simulator.baseUrl()), apiKey, null,
        Duration.ofSeconds(1), readTimeout, 8), JsonMapper.builder().build());
  }

  private static ProviderRequest request(String token) {
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    return new ProviderRequest(intent, 1, "sim", intent + "_1", 1299, "EUR", token);
  }
}
