package dev.paymentrouter.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.notification.domain.StripeEvents.EventObject;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import org.junit.jupiter.api.Test;

/** Rows of Stripe's event table: what each PaymentIntent or Refund event proves, and what it does not. */
class StripeEventsTest {

  private static EventObject intent(String status, Long amountReceived, String modificationKey) {
    return new EventObject("pi_3Nx", status, "pi_ROUTER_1", modificationKey, null, null, amountReceived,
        "ch_3Nx");
  }

  @Test
  void aSucceededPaymentIntentEndsTheAuthorizationAsCapturedWithTheAmountReceived() {
    Notice notice = StripeEvents.notice("payment_intent.succeeded", intent("succeeded", 500L, "cap_1"));

    assertThat(notice).isEqualTo(new Notice.AuthorizationEnded("pi_ROUTER_1", new ChargeStatus.Charged("pi_3Nx"),
        Kind.CAPTURE, 500, "cap_1", "ch_3Nx"));
    assertThat(notice.intentId()).isEqualTo("pi_ROUTER");
    assertThat(notice.attemptNumber()).isEqualTo(1);
  }

  @Test
  void aCaptureWithoutLatestChargeIsReferencedByThePaymentIntent() {
    EventObject object = new EventObject("pi_3Nx", "succeeded", "pi_ROUTER_1", null, null, null, 1299L, null);

    assertThat(StripeEvents.notice("payment_intent.succeeded", object)).isEqualTo(new Notice.AuthorizationEnded(
        "pi_ROUTER_1", new ChargeStatus.Charged("pi_3Nx"), Kind.CAPTURE, 1299, null, "pi_3Nx"));
  }

  @Test
  void aSucceededPaymentIntentWithoutItsAmountProvesOnlyTheCharge() {
    assertThat(StripeEvents.notice("payment_intent.succeeded", intent("succeeded", null, null)))
        .isEqualTo(new Notice.AttemptVerdict("pi_ROUTER_1", new ChargeStatus.Charged("pi_3Nx")));
  }

  @Test
  void aCanceledPaymentIntentWithNothingReceivedEndsTheAuthorizationAsReleasedNamingNoModification() {
    // A key in the metadata would be a capture's, never the cancel's: Stripe's cancel takes no metadata.
    Notice notice = StripeEvents.notice("payment_intent.canceled", intent("canceled", 0L, "cap_1"));

    assertThat(notice).isEqualTo(new Notice.AuthorizationEnded("pi_ROUTER_1", null, Kind.CANCEL, 0, null,
        "pi_3Nx"));
    assertThat(notice.intentId()).isEqualTo("pi_ROUTER");
  }

  @Test
  void aCanceledPaymentIntentThatReceivedMoneyOrNamesNoAmountIsOnlyRecorded() {
    assertThat(StripeEvents.notice("payment_intent.canceled", intent("canceled", 100L, null)))
        .isEqualTo(new Notice.Informational("pi_ROUTER_1", "pi_3Nx"));
    assertThat(StripeEvents.notice("payment_intent.canceled", intent("canceled", null, null)))
        .isEqualTo(new Notice.Informational("pi_ROUTER_1", "pi_3Nx"));
  }

  @Test
  void aHeldAuthorizationProvesTheChargeButEndsNothing() {
    assertThat(StripeEvents.notice("payment_intent.amount_capturable_updated", intent("requires_capture", 0L,
        null))).isEqualTo(new Notice.AttemptVerdict("pi_ROUTER_1", new ChargeStatus.Charged("pi_3Nx")));
  }

  @Test
  void aRefundNamesItsModificationAndAPendingOneStaysAPromise() {
    EventObject succeeded = new EventObject("re_1", "succeeded", null, "re_ROUTER", null, "pi_3Nx");
    EventObject pending = new EventObject("re_1", "pending", null, "re_ROUTER", null, "pi_3Nx");

    assertThat(StripeEvents.notice("refund.updated", succeeded)).isEqualTo(new Notice.ModificationVerdict(
        "re_ROUTER", new ModificationOutcome.Succeeded("re_1")));
    assertThat(StripeEvents.notice("refund.created", pending)).isEqualTo(new Notice.ModificationVerdict(
        "re_ROUTER", new ModificationOutcome.Pending("re_1")));
  }
}
