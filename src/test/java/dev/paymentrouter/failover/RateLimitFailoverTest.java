package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** alpha admits one call a second; what it cannot take goes to beta, and alpha never sees more than its limit. */
@TestPropertySource(properties = {
    "payment-router.providers.alpha.rate-limit.permits-per-second=1",
    "payment-router.providers.alpha.rate-limit.burst=1"
})
class RateLimitFailoverTest extends RouterIntegrationTest {

  @Test
  void aRateLimitedFirstProviderHandsTheIntentToTheSecond() {
    IntentClient intents = new IntentClient(client, newMerchant());
    List<JsonNode> created = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      created.add(intents.created(IntentClient.body(100 + i, "tok_visa")));
    }

    assertThat(created).allSatisfy(intent -> assertThat(intent.get("status").stringValue()).isEqualTo("succeeded"));
    List<JsonNode> onBeta = created.stream()
        .filter(intent -> intent.get("attempts").size() == 2).toList();
    assertThat(onBeta).isNotEmpty().allSatisfy(intent -> {
      JsonNode first = intent.get("attempts").get(0);
      JsonNode second = intent.get("attempts").get(1);
      assertThat(first.get("provider").stringValue()).isEqualTo("alpha");
      assertThat(first.get("status").stringValue()).isEqualTo("not_sent");
      assertThat(first.get("errorCode").stringValue()).isEqualTo("rate_limited");
      assertThat(second.get("provider").stringValue()).isEqualTo("beta");
      assertThat(second.get("status").stringValue()).isEqualTo("approved");
      // The refused attempt never reached alpha.
      String firstKey = intent.get("id").stringValue() + "_1";
      assertThat(TestEnvironment.simulator("alpha").ledger().byReference(firstKey)).isEmpty();
    });
    // Ten intents in far less than ten seconds: alpha took at most its burst plus what refilled meanwhile.
    long onAlpha = created.size() - onBeta.size();
    assertThat(onAlpha).isBetween(1L, 5L);
  }
}
