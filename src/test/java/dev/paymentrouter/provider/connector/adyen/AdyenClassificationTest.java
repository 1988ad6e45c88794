package dev.paymentrouter.provider.connector.adyen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The parts of Adyen's outcome table the contract test does not reach one by one. */
class AdyenClassificationTest {

  @Test
  void namesEveryRefusalReasonReadablyAndOnce() {
    assertThat(AdyenClassification.REFUSAL_REASONS.values())
        .allSatisfy(refusal -> assertThat(refusal.code()).matches("[a-z0-9]+(_[a-z0-9]+)*"));
    assertThat(AdyenClassification.REFUSAL_REASONS.values().stream().map(AdyenClassification.Refusal::code)
        .collect(Collectors.toSet())).hasSameSizeAs(AdyenClassification.REFUSAL_REASONS.values());
  }

  @Test
  void failsOverOnlyFromRefusalsOfAdyensOwnPath() {
    Set<String> soft = AdyenClassification.REFUSAL_REASONS.entrySet().stream()
        .filter(entry -> entry.getValue().retryableElsewhere()).map(Map.Entry::getKey).collect(Collectors.toSet());
    // Acquirer error, issuer unavailable, not submitted, 3-D Secure server and exchange errors.
    assertThat(soft).containsExactlyInAnyOrder("4", "9", "21", "39", "42");
  }

  @Test
  void treatsAnUnknownRefusalReasonAsHard() {
    assertThat(AdyenClassification.forPayment("Refused", "77", "psp"))
        .isEqualTo(new ProviderOutcome.Declined("refused_77", false));
  }

  @Test
  void neverFailsOverFromACancellationEvenWithASoftReason() {
    assertThat(AdyenClassification.forPayment("Cancelled", "9", "psp"))
        .isEqualTo(new ProviderOutcome.Declined("issuer_unavailable", false));
  }

  @Test
  void anAuthorisationInProgressIsUnknownWhateverTheStatus() {
    assertThat(AdyenClassification.forError(409, "704", "")).isEqualTo(new ProviderOutcome.Unknown(
        "provider_request_in_progress"));
    assertThat(AdyenClassification.forError(422, "704", "psp"))
        .isEqualTo(new ProviderOutcome.Unknown("provider_request_in_progress", "psp"));
  }

  @Test
  void anyServerErrorMayHideACharge() {
    for (int status : new int[] {500, 502, 503, 504}) {
      assertThat(AdyenClassification.forError(status, "", "")).isInstanceOf(ProviderOutcome.Unknown.class);
    }
  }
}
