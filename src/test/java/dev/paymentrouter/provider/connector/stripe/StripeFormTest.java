package dev.paymentrouter.provider.connector.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The form Stripe receives: encoded value by value, and the same bytes for the same request. */
class StripeFormTest {

  @Test
  void percentEncodesValuesAndKeepsBracketsReadable() {
    ProviderRequest request = new ProviderRequest("in&t=1 [ä]", 2, "stripe", "in&t=1 [ä]_2", 5, "usd", "pm_x");
    assertThat(new String(StripeForm.paymentIntent(request), StandardCharsets.US_ASCII)).isEqualTo(
        "amount=5&currency=usd&payment_method=pm_x&confirm=true&capture_method=automatic"
            + "&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never"
            + "&metadata[payment_router_intent]=in%26t%3D1+%5B%C3%A4%5D"
            + "&metadata[payment_router_attempt]=in%26t%3D1+%5B%C3%A4%5D_2");
  }

  @Test
  void writesIdenticalBytesForIdenticalRequestsSoAReplayMatches() {
    assertThat(StripeForm.paymentIntent(request())).isEqualTo(StripeForm.paymentIntent(request()));
  }

  @Test
  void asksForAManualCaptureWhenTheRequestOnlyAuthorizes() {
    ProviderRequest manual = new ProviderRequest("pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA", 1, "stripe",
        "pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA_1", 1299, "EUR", "pm_card_visa", true);
    assertThat(new String(StripeForm.paymentIntent(manual), StandardCharsets.US_ASCII))
        .contains("&confirm=true&capture_method=manual&")
        .isEqualTo(new String(StripeForm.paymentIntent(request()), StandardCharsets.US_ASCII)
            .replace("capture_method=automatic", "capture_method=manual"));
    assertThat(StripeForm.paymentIntent(manual)).isEqualTo(StripeForm.paymentIntent(manual));
  }

  @Test
  void writesTheCurrencyInLowerCase() {
    assertThat(new String(StripeForm.paymentIntent(request()), StandardCharsets.US_ASCII)).contains("&currency=eur&");
  }

  @Test
  void aCaptureCarriesItsKeyInThePaymentIntentsMetadataAndACancelCannot() {
    ModificationRequest capture = new ModificationRequest(ModificationRequest.Kind.CAPTURE, "pi_A", "stripe",
        "cap_B", "pi_3Nx", "pi_A_1", 500, "EUR", null);
    ModificationRequest cancel = new ModificationRequest(ModificationRequest.Kind.CANCEL, "pi_A", "stripe",
        "can_B", "pi_3Nx", "pi_A_1", 1299, "EUR", "abandoned");
    assertThat(new String(StripeForm.capture(capture), StandardCharsets.US_ASCII))
        .isEqualTo("amount_to_capture=500&metadata[payment_router_modification]=cap_B");
    // PostPaymentIntentsIntentCancel takes cancellation_reason and expand only.
    assertThat(new String(StripeForm.cancel(cancel), StandardCharsets.US_ASCII))
        .isEqualTo("cancellation_reason=abandoned");
  }

  @Test
  void quotesTheReferenceInTheSearchQuery() {
    assertThat(StripeForm.searchPath("a'b\\c_1")).isEqualTo(
        "/v1/payment_intents/search?query=metadata%5B%27payment_router_attempt%27%5D%3A%27a%5C%27b%5C%5Cc_1%27");
  }

  private static ProviderRequest request() {
    return new ProviderRequest("pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA", 1, "stripe", "pi_01J9Z3Q8RZK6W2B4N7T5V3X1YA_1", 1299,
        "EUR", "pm_card_visa");
  }
}
