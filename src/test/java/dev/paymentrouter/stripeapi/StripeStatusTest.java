package dev.paymentrouter.stripeapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The status table: every router status has the PaymentIntent status a Stripe client may act on. */
class StripeStatusTest {

  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
  static final Map<IntentStatus, String> EXPECTED = new EnumMap<>(Map.of(
      IntentStatus.PENDING, "processing",
      IntentStatus.PROCESSING, "processing",
      IntentStatus.SUCCEEDED, "succeeded",
      IntentStatus.REQUIRES_CAPTURE, "requires_capture",
      IntentStatus.CANCELED, "canceled",
      IntentStatus.REQUIRES_ACTION, "requires_action",
      IntentStatus.FAILED, "requires_payment_method"));

  @ParameterizedTest
  @EnumSource(IntentStatus.class)
  void everyStatusOfTheRouterHasItsStripeStatus(IntentStatus status) {
    assertThat(StripeStatus.of(intent(status, null, null))).isEqualTo(EXPECTED.get(status));
  }

  @ParameterizedTest
  @EnumSource(value = IntentStatus.class, names = "FAILED", mode = EnumSource.Mode.EXCLUDE)
  void onlyAFailedPaymentHasALastPaymentError(IntentStatus status) {
    assertThat(StripeStatus.lastPaymentError(intent(status, null, null))).isNull();
  }

  @Test
  void aDeclineIsACardErrorWithTheDeclineCodeAndARouterFailureAnApiError() {
    StripeStatus.LastPaymentError declined = StripeStatus.lastPaymentError(intent(IntentStatus.FAILED,
        "insufficient_funds", "insufficient_funds"));
    StripeStatus.LastPaymentError noProvider = StripeStatus.lastPaymentError(intent(IntentStatus.FAILED, null,
        "no_provider_available"));

    assertThat(declined).isEqualTo(new StripeStatus.LastPaymentError("card_error", "card_declined",
        "insufficient_funds", "Your card has insufficient funds."));
    assertThat(noProvider.type()).isEqualTo("api_error");
    assertThat(noProvider.code()).isEqualTo("no_provider_available");
    assertThat(StripeStatus.decline("card_declined").declineCode()).isEqualTo("generic_decline");
    assertThat(StripeStatus.decline("expired_card").code()).isEqualTo("expired_card");
  }

  /** An intent in this status whose only attempt was declined with {@code declineCode}, or approved when null. */
  private static PaymentIntent intent(IntentStatus status, String declineCode, String failureCode) {
    Attempt attempt = new Attempt(1, "alpha", "pi_1_1",
        declineCode == null ? AttemptStatus.APPROVED : AttemptStatus.DECLINED, "ref", declineCode, null, "default",
        List.of("alpha"), Map.of(), T, T);
    return new PaymentIntent("pi_1", "m1", new Money(1000, "EUR"), new PaymentMethod("card", null, null), null,
        Map.of(), status, List.of(attempt), failureCode, null, T.plusSeconds(60), T, T);
  }
}
