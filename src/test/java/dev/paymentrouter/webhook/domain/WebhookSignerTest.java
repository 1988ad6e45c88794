package dev.paymentrouter.webhook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Standard Webhooks signatures: the specification's vector, and the reference verifier accepting ours. */
class WebhookSignerTest {

  // The vector of the standard-webhooks repository's own library tests (libraries/java WebhookTest,
  // verifyWebhookSignWorks): secret, message id, timestamp and payload, and the signature every library must give.
  private static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long VECTOR_TIMESTAMP = 1614265330;
  private static final String VECTOR_PAYLOAD = "{\"test\": 2432232314}";
  private static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private final SplittableRandom random = new SplittableRandom(12);

  @Test
  void signsTheSpecificationsTestVectorAsPublished() {
    WebhookSigner.Headers headers = WebhookSigner.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD,
        List.of(WebhookSecret.parse(VECTOR_SECRET)));

    assertThat(headers.signature()).isEqualTo(VECTOR_SIGNATURE);
    assertThat(headers.id()).isEqualTo(VECTOR_ID);
    assertThat(headers.timestamp()).isEqualTo(VECTOR_TIMESTAMP);
  }

  @Test
  void theReferenceVerifierAcceptsOurHeaders() throws Exception {
    WebhookSecret secret = secret();
    String body = "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\",\"data\":{\"amount\":1299,\"note\":\"é\"}}";
    WebhookSigner.Headers headers = WebhookSigner.sign("evt_1", Instant.now().getEpochSecond(), body,
        List.of(secret));

    assertThatCode(() -> new Webhook(secret.text()).verify(body, map(headers))).doesNotThrowAnyException();
  }

  @Test
  void theReferenceVerifierRefusesAChangedBody() throws Exception {
    WebhookSecret secret = secret();
    WebhookSigner.Headers headers = WebhookSigner.sign("evt_2", Instant.now().getEpochSecond(), "{\"a\":1}",
        List.of(secret));

    assertThatThrownBy(() -> new Webhook(secret.text()).verify("{\"a\":2}", map(headers)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void aRotatedEndpointSignsWithBothSecretsAndEachVerifiesWithItsOwn() throws Exception {
    WebhookSecret current = secret();
    WebhookSecret previous = secret();
    String body = "{\"id\":\"evt_3\"}";
    WebhookSigner.Headers headers = WebhookSigner.sign("evt_3", Instant.now().getEpochSecond(), body,
        List.of(current, previous));

    String[] signatures = headers.signature().split(" ");
    assertThat(signatures).hasSize(2).allSatisfy(signature -> assertThat(signature).startsWith("v1,"));
    // A receiver that has deployed the new secret accepts, and so does one still on the old secret.
    assertThatCode(() -> new Webhook(current.text()).verify(body, map(headers))).doesNotThrowAnyException();
    assertThatCode(() -> new Webhook(previous.text()).verify(body, map(headers))).doesNotThrowAnyException();
    // Each signature on its own verifies with its own secret only.
    for (int i = 0; i < 2; i++) {
      WebhookSigner.Headers one = new WebhookSigner.Headers(headers.id(), headers.timestamp(), signatures[i]);
      WebhookSecret own = i == 0 ? current : previous;
      WebhookSecret other = i == 0 ? previous : current;
      assertThatCode(() -> new Webhook(own.text()).verify(body, map(one))).doesNotThrowAnyException();
      assertThatThrownBy(() -> new Webhook(other.text()).verify(body, map(one)))
          .isInstanceOf(WebhookVerificationException.class);
    }
  }

  @Test
  void aSecretIsWhsecAndTheBase64OfItsKeyAndNeverShowsItself() {
    WebhookSecret secret = secret();

    assertThat(secret.text()).matches("whsec_[A-Za-z0-9+/]{43}=");
    assertThat(WebhookSecret.parse(secret.text())).isEqualTo(secret);
    assertThat(secret.toString()).doesNotContain(secret.text().substring(6, 20));
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageNotContaining("c2hvcnQ");
  }

  private WebhookSecret secret() {
    byte[] key = new byte[WebhookSecret.KEY_BYTES];
    random.nextBytes(key);
    return WebhookSecret.ofKey(key);
  }

  private static java.net.http.HttpHeaders map(WebhookSigner.Headers headers) {
    return java.net.http.HttpHeaders.of(Map.of(
        WebhookSigner.ID, List.of(headers.id()),
        WebhookSigner.TIMESTAMP, List.of(Long.toString(headers.timestamp())),
        WebhookSigner.SIGNATURE, List.of(headers.signature())), (name, value) -> true);
  }
}
