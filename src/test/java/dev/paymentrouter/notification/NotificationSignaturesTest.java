package dev.paymentrouter.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.notification.domain.AdyenHmac;
import dev.paymentrouter.notification.domain.StripeSignature;
import dev.paymentrouter.notification.domain.StripeSignature.Failure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationSignaturesTest {

  private static final byte[] BODY = "{\"id\":\"evt_test_webhook\",\"object\":\"event\"}"
      .getBytes(StandardCharsets.UTF_8);
  private static final long T = 1492774577L;
  /** HMAC-SHA256 of "1492774577." + BODY under "whsec_test_secret", computed apart with openssl dgst. */
  private static final String V1 = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";
  private static final Duration TOLERANCE = StripeSignature.DEFAULT_TOLERANCE;
  private static final Instant NOW = Instant.ofEpochSecond(T).plusSeconds(30);

  /** The key of Adyen's libraries' HMAC tests (adyen-java-api-library, adyen-dotnet, adyen-php). */
  private static final String ADYEN_KEY = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";

  @Test
  void acceptsAStripeSignatureComputedIndependently() {
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of("whsec_test_secret"), TOLERANCE, NOW))
        .isNull();
    assertThat(StripeSignature.sign("whsec_test_secret", T, BODY)).isEqualTo("t=" + T + ",v1=" + V1);
  }

  @Test
  void refusesAStripeSignatureOverAnotherBody() {
    byte[] tampered = "{\"id\":\"evt_test_webhook\",\"object\":\"event\" }".getBytes(StandardCharsets.UTF_8);
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, tampered, List.of("whsec_test_secret"), TOLERANCE,
        NOW)).isEqualTo(Failure.NO_MATCH);
  }

  @Test
  void refusesAStripeSignatureUnderAnotherSecret() {
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of("whsec_other"), TOLERANCE, NOW))
        .isEqualTo(Failure.NO_MATCH);
  }

  @Test
  void acceptsAStripeSignatureMadeWithTheSecondConfiguredSecret() {
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of("whsec_new", "whsec_test_secret"),
        TOLERANCE, NOW)).isNull();
  }

  @Test
  void acceptsAHeaderWithSeveralV1SignaturesWhenOneMatches() {
    String header = "t=" + T + ",v1=" + "00".repeat(32) + ",v0=abcd,v1=" + V1;
    assertThat(StripeSignature.verify(header, BODY, List.of("whsec_test_secret"), TOLERANCE, NOW)).isNull();
  }

  @Test
  void refusesAStripeSignatureOlderThanTheTolerance() {
    // A replay of a captured request six minutes later: the signature is genuine, the timestamp too old.
    Instant later = Instant.ofEpochSecond(T).plus(Duration.ofMinutes(6));
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of("whsec_test_secret"), TOLERANCE, later))
        .isEqualTo(Failure.STALE_TIMESTAMP);
    // Within the window the same request verifies again: it is a duplicate, stored once by its event id.
    Instant within = Instant.ofEpochSecond(T).plus(Duration.ofMinutes(4));
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of("whsec_test_secret"), TOLERANCE, within))
        .isNull();
  }

  @Test
  void refusesMalformedOrMissingStripeHeaders() {
    List<String> secrets = List.of("whsec_test_secret");
    assertThat(StripeSignature.verify(null, BODY, secrets, TOLERANCE, NOW)).isEqualTo(Failure.MALFORMED_HEADER);
    assertThat(StripeSignature.verify("v1=" + V1, BODY, secrets, TOLERANCE, NOW)).isEqualTo(Failure.MALFORMED_HEADER);
    assertThat(StripeSignature.verify("t=" + T, BODY, secrets, TOLERANCE, NOW)).isEqualTo(Failure.MALFORMED_HEADER);
    assertThat(StripeSignature.verify("t=x,v1=" + V1, BODY, secrets, TOLERANCE, NOW))
        .isEqualTo(Failure.MALFORMED_HEADER);
    assertThat(StripeSignature.verify("t=" + T + ",v1=zz", BODY, secrets, TOLERANCE, NOW))
        .isEqualTo(Failure.MALFORMED_HEADER);
  }

  @Test
  void refusesEveryStripeNotificationWithoutASecret() {
    assertThat(StripeSignature.verify("t=" + T + ",v1=" + V1, BODY, List.of(), TOLERANCE, NOW))
        .isEqualTo(Failure.NO_SECRET);
  }

  @Test
  void signsAdyensPublishedNotificationItemAsItsLibrariesDo() {
    // adyen-java/-dotnet HMACValidator test: every field set.
    AdyenHmac.SignedFields item = new AdyenHmac.SignedFields("pspReference", "originalReference", "merchantAccount",
        "reference", 1000, "EUR", "EVENT", true);
    assertThat(item.dataToSign())
        .isEqualTo("pspReference:originalReference:merchantAccount:reference:1000:EUR:EVENT:true");
    assertThat(AdyenHmac.sign(ADYEN_KEY, item)).isEqualTo("ipnxGCaUZ4l8TUW75a71/ghd2Fe5ffvX0pV4TLTntIc=");
    assertThat(AdyenHmac.verify("ipnxGCaUZ4l8TUW75a71/ghd2Fe5ffvX0pV4TLTntIc=", item, List.of(ADYEN_KEY))).isTrue();
  }

  @Test
  void signsAnAdyenItemWithoutOriginalReferenceAsAnEmptyField() {
    // adyen-php HmacSignatureTest: an AUTHORISATION has no originalReference.
    AdyenHmac.SignedFields item = new AdyenHmac.SignedFields("7914073381342284", null, "TestMerchant",
        "TestPayment-1407325143704", 1130, "EUR", "AUTHORISATION", true);
    assertThat(AdyenHmac.verify("Ny9gS2veKo5E4w8/OL6xz1/wvT/hYkAXy1xNc/QvO4I=", item, List.of(ADYEN_KEY))).isTrue();
  }

  @Test
  void refusesAnAdyenItemWhoseSignedFieldChanged() {
    // The same signature over success=false (a refusal turned into a success, or back) must not verify.
    AdyenHmac.SignedFields flipped = new AdyenHmac.SignedFields("pspReference", "originalReference",
        "merchantAccount", "reference", 1000, "EUR", "EVENT", false);
    assertThat(AdyenHmac.verify("ipnxGCaUZ4l8TUW75a71/ghd2Fe5ffvX0pV4TLTntIc=", flipped, List.of(ADYEN_KEY)))
        .isFalse();
  }

  @Test
  void acceptsAnAdyenSignatureUnderTheSecondKeyAndRefusesWithoutKeys() {
    AdyenHmac.SignedFields item = new AdyenHmac.SignedFields("pspReference", "originalReference", "merchantAccount",
        "reference", 1000, "EUR", "EVENT", true);
    String signature = "ipnxGCaUZ4l8TUW75a71/ghd2Fe5ffvX0pV4TLTntIc=";
    assertThat(AdyenHmac.verify(signature, item, List.of("00".repeat(32), ADYEN_KEY))).isTrue();
    assertThat(AdyenHmac.verify(signature, item, List.of())).isFalse();
    assertThat(AdyenHmac.verify("not base64!", item, List.of(ADYEN_KEY))).isFalse();
    assertThat(AdyenHmac.verify(null, item, List.of(ADYEN_KEY))).isFalse();
  }
}
