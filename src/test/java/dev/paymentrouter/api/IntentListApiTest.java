package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/payment-intents}: a merchant's own intents, newest first, page after page. */
class IntentListApiTest extends RouterIntegrationTest {

  String apiKey;
  IntentClient merchant;

  @BeforeEach
  void merchant() {
    apiKey = newMerchant();
    merchant = new IntentClient(client, apiKey);
  }

  @Test
  void pagesWalkEveryIntentOnceNewestFirstAndSayWhenMoreFollow() {
    List<String> created = createIntents(7, "tok_visa");

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    boolean hasMore = true;
    while (hasMore) {
      JsonNode page = list("limit=3" + (cursor == null ? "" : "&startingAfter=" + cursor));
      pages++;
      page.path("data").forEach(intent -> seen.add(intent.path("id").stringValue()));
      hasMore = page.path("hasMore").booleanValue();
      cursor = seen.getLast();
    }

    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(created.reversed());
  }

  @Test
  void intentsCreatedWhileAClientPagesNeitherShiftNorRepeatItsPages() {
    List<String> created = createIntents(4, "tok_visa");
    JsonNode first = list("limit=2");
    createIntents(3, "tok_visa");
    JsonNode second = list("limit=2&startingAfter=" + first.at("/data/1/id").stringValue());

    assertThat(ids(first)).containsExactly(created.get(3), created.get(2));
    assertThat(ids(second)).containsExactly(created.get(1), created.get(0));
    assertThat(second.path("hasMore").booleanValue()).isFalse();
  }

  @Test
  void filtersByStatusReferenceAndCreationTime() {
    Instant before = Instant.now();
    String paid = merchant.created(body("tok_visa", "order-7")).path("id").stringValue();
    String declined = merchant.created(body("tok_decline", "order-8")).path("id").stringValue();

    assertThat(ids(list("status=failed"))).containsExactly(declined);
    assertThat(ids(list("status=succeeded"))).containsExactly(paid);
    assertThat(ids(list("reference=order-7"))).containsExactly(paid);
    assertThat(ids(list("createdGte=" + before))).containsExactly(declined, paid);
    assertThat(ids(list("createdLt=" + before))).isEmpty();
    // Each listed intent is shown as GET shows it, attempts included.
    assertThat(list("reference=order-8").at("/data/0/attempts/0/declineCode").stringValue())
        .isEqualTo("insufficient_funds");
  }

  @Test
  void aMerchantSeesOnlyItsOwnIntents() {
    String mine = createIntents(1, "tok_visa").getFirst();
    new IntentClient(client, newMerchant()).created(IntentClient.body(500, "tok_visa"));

    assertThat(ids(list(""))).containsExactly(mine);
  }

  @Test
  void wrongParametersAreRefusedEachByName() {
    client.get().uri("/v1/payment-intents?limit=0&status=paid&createdGte=yesterday&startingAfter=x&colour=red")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
        .expectBody()
        .jsonPath("$.code").isEqualTo("validation_failed")
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
            .contains("limit", "status", "createdGte", "startingAfter", "colour"));
  }

  @Test
  void listingNeedsAnApiKey() {
    client.get().uri("/v1/payment-intents").exchange().expectStatus().isUnauthorized().expectBody();
  }

  private List<String> createIntents(int count, String token) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(merchant.created(IntentClient.body(100 + i, token)).path("id").stringValue());
    }
    return ids;
  }

  private JsonNode list(String query) {
    return IntentClient.read(client.get().uri("/v1/payment-intents?" + query)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectStatus().isOk()
        .expectBody().returnResult().getResponseBody());
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.path("data").forEach(intent -> ids.add(intent.path("id").stringValue()));
    return ids;
  }

  private static String body(String token, String reference) {
    return "{\"amount\": 700, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", \"token\": \"" + token
        + "\"}, \"reference\": \"" + reference + "\"}";
  }
}
