package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** Per-provider tokens: a card tokenized at one provider is offered only to that provider. */
class PaymentMethodTokensApiTest extends RouterIntegrationTest {

  IntentClient merchant;

  @BeforeEach
  void merchant() {
    merchant = new IntentClient(client, newMerchant());
  }

  @Test
  void anIntentWithATokenForOneProviderOnlyGoesToThatProviderAndSaysWhyOthersWereSkipped() {
    JsonNode intent = merchant.created(body("\"tokens\": {\"beta\": \"tok_visa\"}"));

    assertThat(intent.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.path("attempts")).hasSize(1);
    JsonNode attempt = intent.path("attempts").get(0);
    assertThat(attempt.path("provider").stringValue()).isEqualTo("beta");
    assertThat(attempt.path("routing").path("candidates").toString()).isEqualTo("[\"beta\"]");
    assertThat(attempt.path("routing").path("skipped").path("alpha").stringValue()).isEqualTo("no_token");
    assertThat(attempt.path("routing").path("skipped").path("gamma").stringValue()).isEqualTo("no_token");
    String id = intent.path("id").stringValue();
    assertThat(TestEnvironment.simulator("alpha").ledger().approvedCountFor(id + "_1")).isZero();
    assertThat(TestEnvironment.simulator("beta").ledger().approvedCountFor(id + "_1")).isEqualTo(1);
    // What the merchant saw is what was stored: the reloaded intent has the same routing decision.
    assertThat(merchant.get(id).path("attempts").get(0).path("routing")).isEqualTo(attempt.path("routing"));
  }

  @Test
  void aProvidersOwnTokenIsSentToItAndTheProviderAgnosticOneToTheOthers() {
    // alpha's own token is soft-declined, so the intent fails over; beta has no own token and gets the shared one.
    JsonNode intent = merchant.created(body(
        "\"token\": \"tok_visa\", \"tokens\": {\"alpha\": \"tok_issuer_unavailable\"}"));

    assertThat(intent.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.path("attempts").get(0).path("provider").stringValue()).isEqualTo("alpha");
    assertThat(intent.path("attempts").get(0).path("declineCode").stringValue()).isEqualTo("issuer_unavailable");
    assertThat(intent.path("attempts").get(1).path("provider").stringValue()).isEqualTo("beta");
    assertThat(intent.path("attempts").get(1).path("status").stringValue()).isEqualTo("approved");
    assertThat(intent.path("attempts").get(0).path("routing").path("skipped").isEmpty()).isTrue();
  }

  @Test
  void aTokenForAProviderThatIsNotConfiguredIsRefusedAndNothingIsStored() {
    String apiKey = newMerchant();
    PaymentIntentApiTest.problem(new IntentClient(client, apiKey).create(body(
            "\"token\": \"tok_visa\", \"tokens\": {\"alhpa\": \"tok_visa\"}")),
        HttpStatus.UNPROCESSABLE_CONTENT, "validation_failed");
    assertThat(countIntentsOf(apiKey)).isZero();
  }

  @Test
  void aMethodWithoutAnyTokenIsRefused() {
    merchant.create(body("\"tokens\": {}"))
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("paymentMethod.token");
  }

  @Test
  void theSameKeyWithOtherProviderTokensIsAnotherRequest() {
    String key = "key-" + UUID.randomUUID();
    merchant.create(body("\"tokens\": {\"beta\": \"tok_visa\"}"), key, null).expectStatus().isCreated()
        .expectBody().returnResult();
    PaymentIntentApiTest.problem(merchant.create(body("\"tokens\": {\"beta\": \"tok_mastercard\"}"), key, null),
        HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused");
  }

  private static String body(String tokens) {
    return "{\"amount\": 1500, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", " + tokens + "}}";
  }
}
