package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classification table, row by row: what may fail over and what must be reconciled. */
class SimulatorClassificationTest {

  @ParameterizedTest(name = "HTTP {0} -> {1} {2}")
  @CsvSource({
      "429, NotSent, provider_rate_limited",
      "503, NotSent, provider_unavailable",
      "400, NotSent, provider_rejected_400",
      "401, NotSent, provider_rejected_401",
      "403, NotSent, provider_rejected_403",
      "404, NotSent, provider_rejected_404",
      "409, Unknown, provider_status_409",
      "422, Unknown, provider_status_422",
      "500, Unknown, provider_status_500",
      "502, Unknown, provider_status_502",
      "504, Unknown, provider_status_504",
      "302, Unknown, provider_status_302"
  })
  void onlyAnswersThatProveNothingWasProcessedAreNotSent(int status, String kind, String reason) {
    ProviderOutcome outcome = SimulatorClassification.forErrorStatus(status);
    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(outcome).isIn(new ProviderOutcome.NotSent(reason), new ProviderOutcome.Unknown(reason));
  }

  @ParameterizedTest(name = "{0} -> retryable elsewhere: {1}")
  @CsvSource({
      "insufficient_funds, false",
      "card_declined, false",
      "expired_card, false",
      "incorrect_cvc, false",
      "invalid_card, false",
      "lost_card, false",
      "stolen_card, false",
      "fraudulent, false",
      "do_not_honor, false",
      "issuer_unavailable, true",
      "processing_error, true",
      "try_again_later, true",
      "some_new_code, false"
  })
  void hardDeclinesNeverFailOverAndSoftOnesMay(String code, boolean retryable) {
    assertThat(SimulatorClassification.retryableElsewhere(code)).isEqualTo(retryable);
  }

  @ParameterizedTest(name = "charge status {0} -> {1}")
  @CsvSource({
      "approved, Approved",
      "declined, Declined",
      "requires_action, ActionRequired",
      "pending, Unknown",
      "something_new, Unknown"
  })
  void onlyAnApprovalIsAChargeAndOnlyADeclineMayFailOver(String status, String kind) {
    ProviderOutcome outcome = SimulatorClassification.forCharge(status, "ch_1", "insufficient_funds");
    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
    switch (outcome) {
      case ProviderOutcome.ActionRequired action ->
          assertThat(action).isEqualTo(new ProviderOutcome.ActionRequired("ch_1", "requires_action"));
      case ProviderOutcome.Unknown unknown -> assertThat(unknown.providerReference()).isEqualTo("ch_1");
      case ProviderOutcome.Declined declined ->
          assertThat(declined).isEqualTo(new ProviderOutcome.Declined("insufficient_funds", false));
      default -> assertThat(outcome).isEqualTo(new ProviderOutcome.Approved("ch_1"));
    }
  }

  @ParameterizedTest(name = "status query {0} -> {1}")
  @CsvSource({
      "approved, Charged",
      "declined, Declined",
      "requires_action, ActionRequired",
      "pending, Unavailable",
      "something_new, Unavailable"
  })
  void aStatusQueryReportsAPaymentWaitingForTheCustomerAsActionRequired(String status, String kind) {
    ChargeStatus answer = SimulatorClassification.forStatus(status, "ch_1", "insufficient_funds");
    assertThat(answer.getClass().getSimpleName()).isEqualTo(kind);
    if (answer instanceof ChargeStatus.ActionRequired action) {
      assertThat(action).isEqualTo(new ChargeStatus.ActionRequired("ch_1", "requires_action"));
    }
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2} {3}")
  @CsvSource({
      "404, charge_not_found, Refused, charge_not_found",
      "409, charge_not_capturable, Refused, charge_not_capturable",
      "409, already_captured, Refused, already_captured",
      "409, already_cancelled, Refused, already_cancelled",
      "422, amount_too_large, Refused, amount_too_large",
      "409, idempotency_key_in_use, Unknown, provider_status_409",
      "422, idempotency_key_reused, Unknown, provider_status_422",
      "404, not_found, NotSent, provider_rejected_404",
      "429, rate_limited, NotSent, provider_rate_limited",
      "503, unavailable, NotSent, provider_unavailable",
      "400, invalid_request, NotSent, provider_rejected_400",
      "500, internal_error, Unknown, provider_status_500",
      "502, '', Unknown, provider_status_502"
  })
  void onlyAModificationTheRulesRefusedOrThatWasNeverProcessedMovedNoMoney(int status, String code, String kind,
      String reason) {
    ModificationOutcome outcome = SimulatorClassification.forModificationError(status, code);
    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(outcome).isIn(new ModificationOutcome.Refused(reason), new ModificationOutcome.NotSent(reason),
        new ModificationOutcome.Unknown(reason));
  }

  @ParameterizedTest(name = "look-up HTTP {0} -> {1}")
  @CsvSource({
      "200, succeeded, Succeeded",
      "200, refused, Refused",
      "200, strange, Unknown",
      "404, '', Unknown",
      "429, '', Unknown",
      "503, '', Unknown",
      "500, '', Unknown"
  })
  void aModificationLookUpNeverAnswersNotSent(int status, String bodyStatus, String kind) {
    ModificationOutcome outcome = SimulatorClassification.forModificationLookup(status, bodyStatus, "cp_1",
        "already_captured");
    assertThat(outcome.getClass().getSimpleName()).isEqualTo(kind);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"approved, Approved", "authorized, Approved"})
  void aManualCaptureHoldIsApprovedLikeACapturedCharge(String status, String kind) {
    assertThat(SimulatorClassification.forCharge(status, "ch_1", "").getClass().getSimpleName()).isEqualTo(kind);
    assertThat(SimulatorClassification.forStatus(status, "ch_1", "")).isEqualTo(new ChargeStatus.Charged("ch_1"));
  }
}
