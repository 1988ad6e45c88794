package dev.paymentrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Rules from configuration decide, through the API, which provider an intent is sent to. */
@TestPropertySource(properties = {
    "payment-router.routing.default=alpha,beta,gamma",
    "payment-router.routing.rules[0].name=gold-to-beta",
    "payment-router.routing.rules[0].when.metadata.tier=gold",
    "payment-router.routing.rules[0].then.provider=beta",
    "payment-router.routing.rules[0].fallback=gamma"
})
class RoutingRulesApiTest extends RouterIntegrationTest {

  static final String GOLD = """
      {"amount": 4200, "currency": "EUR", "paymentMethod": {"type": "card", "token": "tok_visa"},
       "metadata": {"tier": "gold"}}""";

  @Test
  void anIntentMatchingAMetadataRuleIsSentToTheRulesProvider() {
    JsonNode intent = new IntentClient(client, newMerchant()).created(GOLD);

    assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.get("attempts").size()).isEqualTo(1);
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("beta");
    String reference = intent.get("id").stringValue() + "_1";
    assertThat(TestEnvironment.simulator("beta").ledger().approvedCountFor(reference)).isEqualTo(1);
    assertThat(TestEnvironment.simulator("alpha").ledger().byReference(reference)).isEmpty();
  }

  @Test
  void anIntentNoRuleMatchesGoesToTheDefaultList() {
    JsonNode intent = new IntentClient(client, newMerchant()).created(IntentClient.body(4200, "tok_visa"));

    assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("alpha");
  }

  @Test
  void whenTheRulesProviderCannotTakeTheIntentItsFallbackDoesNotTheDefaultList() {
    TestEnvironment.simulator("beta").update(SimulatorBehaviour.reliable().withAvailable(false));

    JsonNode intent = new IntentClient(client, newMerchant()).created(GOLD);

    assertThat(intent.get("status").stringValue()).isEqualTo("succeeded");
    assertThat(intent.at("/attempts/0/provider").stringValue()).isEqualTo("beta");
    assertThat(intent.at("/attempts/0/status").stringValue()).isEqualTo("not_sent");
    assertThat(intent.at("/attempts/1/provider").stringValue()).isEqualTo("gamma");
    assertThat(intent.at("/attempts/1/status").stringValue()).isEqualTo("approved");
  }
}
