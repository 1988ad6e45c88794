package dev.paymentrouter.testsupport;

import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creates and reads intents the way a merchant does, for tests. */
public final class IntentClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebTestClient client;
  private final String apiKey;

  public IntentClient(WebTestClient client, String apiKey) {
    this.client = client;
    this.apiKey = apiKey;
  }

  /** A create request for {@code amount} EUR minor units paid with {@code token}. */
  public static String body(long amount, String token) {
    return "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
        + "\"token\": \"" + token + "\"}}";
  }

  /** Posts a create with a fresh idempotency key. */
  public WebTestClient.ResponseSpec create(String body) {
    return create(body, "key-" + UUID.randomUUID(), null);
  }

  /** Posts a create. */
  public WebTestClient.ResponseSpec create(String body, String idempotencyKey, String prefer) {
    WebTestClient.RequestBodySpec request = client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .header("Idempotency-Key", idempotencyKey)
        .contentType(MediaType.APPLICATION_JSON);
    if (prefer != null) {
      request.header("Prefer", prefer);
    }
    return request.bodyValue(body).exchange();
  }

  /** Creates and returns the answer, expecting 201. */
  public JsonNode created(String body) {
    return read(create(body).expectStatus().isCreated().expectBody().returnResult().getResponseBody());
  }

  /** The intent as GET shows it. */
  public JsonNode get(String id) {
    return read(client.get().uri("/v1/payment-intents/" + id)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectStatus().isOk()
        .expectBody().returnResult().getResponseBody());
  }

  /** Parses a JSON body. */
  public static JsonNode read(byte[] body) {
    return JSON.readTree(body);
  }
}
