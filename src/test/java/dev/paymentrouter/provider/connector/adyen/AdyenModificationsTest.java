package dev.paymentrouter.provider.connector.adyen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.RouterRefusal;
import org.junit.jupiter.api.Test;

/** The parts of Adyen's modification table the contract test does not reach one by one. */
class AdyenModificationsTest {

  @Test
  void everyValidationRowIsEitherARefusalWithAReadableCodeOrAConfigurationError() {
    AdyenModifications.VALIDATION_ERRORS.forEach((errorCode, rejection) -> {
      ModificationOutcome outcome = AdyenModifications.forError(422, errorCode);
      if (rejection.configurationError()) {
        assertThat(outcome).isEqualTo(new ModificationOutcome.NotSent("provider_rejected_422_" + errorCode, true));
      } else {
        assertThat(rejection.code()).matches("[a-z0-9]+(_[a-z0-9]+)*");
        assertThat(outcome).isEqualTo(new ModificationOutcome.Refused(rejection.code()));
      }
    });
  }

  @Test
  void aModificationInProgressIsUnknownWhateverTheStatus() {
    assertThat(AdyenModifications.forError(409, "704"))
        .isEqualTo(new ModificationOutcome.Unknown("provider_request_in_progress"));
    assertThat(AdyenModifications.forError(422, "704"))
        .isEqualTo(new ModificationOutcome.Unknown("provider_request_in_progress"));
  }

  @Test
  void anyServerErrorMayHideAMovement() {
    for (int status : new int[] {500, 502, 503, 504}) {
      assertThat(AdyenModifications.forError(status, "")).isInstanceOf(ModificationOutcome.Unknown.class);
      assertThat(AdyenModifications.forError(status, "905")).isInstanceOf(ModificationOutcome.Unknown.class);
    }
  }

  @Test
  void receivedWithoutAPspReferenceIsUnknown() {
    assertThat(AdyenModifications.forAccepted("received", ""))
        .isEqualTo(new ModificationOutcome.Unknown("unexpected_modification_status"));
  }

  @Test
  void aReplayNeverAnswersRefusedOrNotSent() {
    assertThat(AdyenModifications.forReplay(new ModificationOutcome.Refused("invalid_amount")))
        .isEqualTo(new ModificationOutcome.Unknown("replay_refused_invalid_amount"));
    assertThat(AdyenModifications.forReplay(new ModificationOutcome.NotSent("provider_rejected_403_901", true)))
        .isEqualTo(new ModificationOutcome.Unknown("replay_provider_rejected_403_901"));
    assertThat(AdyenModifications.forReplay(new ModificationOutcome.RouterRefused(RouterRefusal.RATE_LIMITED)))
        .isEqualTo(new ModificationOutcome.Unknown("replay_rate_limited"));
    assertThat(AdyenModifications.forReplay(new ModificationOutcome.Pending("psp")))
        .isEqualTo(new ModificationOutcome.Pending("psp"));
  }
}
