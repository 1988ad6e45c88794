package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** Every kind of bad input gets a 400 or 422 problem naming the field, and nothing is stored. */
class ValidationApiTest extends RouterIntegrationTest {

  static final String METHOD = "\"paymentMethod\": {\"type\": \"card\", \"token\": \"tok_visa\"}";

  static Stream<Arguments> badBodies() {
    String fiftyOne = String.join(",", Stream.iterate(0, i -> i + 1).limit(51).map(i -> "\"k" + i + "\": \"v\"")
        .toList());
    return Stream.of(
        Arguments.of("not JSON", "{\"amount\": ", 400, "malformed_json", null, null),
        Arguments.of("empty body", "", 400, "malformed_json", null, null),
        Arguments.of("array", "[1, 2]", 400, "malformed_json", null, null),
        Arguments.of("string", "\"pay me\"", 400, "malformed_json", null, null),
        Arguments.of("duplicate field", "{\"amount\": 1, \"amount\": 2, \"currency\": \"EUR\", " + METHOD + "}", 400,
            "malformed_json", null, null),
        Arguments.of("trailing garbage", "{\"amount\": 1, \"currency\": \"EUR\", " + METHOD + "} {}", 400,
            "malformed_json", null, null),
        Arguments.of("missing amount", "{\"currency\": \"EUR\", " + METHOD + "}", 422, "validation_failed",
            "amount", "required"),
        Arguments.of("amount as string", "{\"amount\": \"1299\", \"currency\": \"EUR\", " + METHOD + "}", 422,
            "validation_failed", "amount", "invalid_type"),
        Arguments.of("decimal amount", "{\"amount\": 12.99, \"currency\": \"EUR\", " + METHOD + "}", 422,
            "validation_failed", "amount", "invalid_type"),
        Arguments.of("zero amount", "{\"amount\": 0, \"currency\": \"EUR\", " + METHOD + "}", 422,
            "validation_failed", "amount", "must_be_positive"),
        Arguments.of("negative amount", "{\"amount\": -5, \"currency\": \"EUR\", " + METHOD + "}", 422,
            "validation_failed", "amount", "must_be_positive"),
        Arguments.of("huge amount", "{\"amount\": 10000000000000, \"currency\": \"EUR\", " + METHOD + "}", 422,
            "validation_failed", "amount", "too_large"),
        Arguments.of("amount beyond long", "{\"amount\": 100000000000000000000000, \"currency\": \"EUR\", "
            + METHOD + "}", 422, "validation_failed", "amount", "too_large"),
        Arguments.of("missing currency", "{\"amount\": 100, " + METHOD + "}", 422, "validation_failed", "currency",
            "required"),
        Arguments.of("unknown currency", "{\"amount\": 100, \"currency\": \"ABC\", " + METHOD + "}", 422,
            "validation_failed", "currency", "unknown_currency"),
        Arguments.of("currency as number", "{\"amount\": 100, \"currency\": 978, " + METHOD + "}", 422,
            "validation_failed", "currency", "invalid_type"),
        Arguments.of("missing payment method", "{\"amount\": 100, \"currency\": \"EUR\"}", 422, "validation_failed",
            "paymentMethod", "required"),
        Arguments.of("payment method as string", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "\"card\"}", 422, "validation_failed", "paymentMethod", "invalid_type"),
        Arguments.of("unsupported method type", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"bank\", \"token\": \"t\"}}", 422, "validation_failed", "paymentMethod.type",
            "unsupported"),
        Arguments.of("missing token", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\"}}", 422, "validation_failed", "paymentMethod.token", "required"),
        Arguments.of("token too long", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\", \"token\": \"" + "t".repeat(256) + "\"}}", 422, "validation_failed",
            "paymentMethod.token", "too_long"),
        Arguments.of("unknown country", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\", \"token\": \"t\", \"country\": \"ZZ\"}}", 422, "validation_failed",
            "paymentMethod.country", "invalid_country"),
        Arguments.of("reference too long", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"reference\": \"" + "r".repeat(256) + "\"}", 422, "validation_failed", "reference", "too_long"),
        Arguments.of("reference as number", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"reference\": 5}", 422, "validation_failed", "reference", "invalid_type"),
        Arguments.of("metadata as array", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": [\"a\"]}", 422, "validation_failed", "metadata", "invalid_type"),
        Arguments.of("metadata value not a string", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"count\": 3}}", 422, "validation_failed", "metadata.count", "invalid_type"),
        Arguments.of("too many metadata entries", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {" + fiftyOne + "}}", 422, "validation_failed", "metadata", "too_many_entries"),
        Arguments.of("metadata key too long", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"" + "k".repeat(41) + "\": \"v\"}}", 422, "validation_failed",
            "metadata." + "k".repeat(41), "invalid_key"),
        Arguments.of("metadata value too long", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"k\": \"" + "v".repeat(501) + "\"}}", 422, "validation_failed", "metadata.k",
            "too_long"),
        // PostgreSQL refuses U+0000 in text and jsonb, and an unpaired surrogate has no UTF-8 form: these
        // answered 500 before they were checked here.
        Arguments.of("NUL in reference", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"reference\": \"order\\u0000-1\"}", 422, "validation_failed", "reference", "invalid_characters"),
        Arguments.of("NUL in token", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\", \"token\": \"tok_\\u0000visa\"}}", 422, "validation_failed",
            "paymentMethod.token", "invalid_characters"),
        Arguments.of("NUL in metadata value", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"cart\": \"\\u0000\"}}", 422, "validation_failed", "metadata.cart",
            "invalid_characters"),
        Arguments.of("NUL in metadata key", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"c\\u0000\": \"v\"}}", 422, "validation_failed", "metadata", "invalid_key"),
        Arguments.of("NUL in method type", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\\u0000\", \"token\": \"t\"}}", 422, "validation_failed", "paymentMethod.type",
            "invalid_characters"),
        Arguments.of("NUL in country", "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
            + "{\"type\": \"card\", \"token\": \"t\", \"country\": \"D\\u0000\"}}", 422, "validation_failed",
            "paymentMethod.country", "invalid_characters"),
        Arguments.of("lone surrogate in reference", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"reference\": \"a\\ud800b\"}", 422, "validation_failed", "reference", "invalid_characters"),
        Arguments.of("lone low surrogate in metadata", "{\"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + ", \"metadata\": {\"k\": \"\\udc00\"}}", 422, "validation_failed", "metadata.k",
            "invalid_characters"),
        Arguments.of("misspelled field", "{\"ammount\": 100, \"amount\": 100, \"currency\": \"EUR\", " + METHOD
            + "}", 422, "validation_failed", "ammount", "unknown_field"));
  }

  String key;

  @BeforeEach
  void merchant() {
    key = newMerchant();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badInputIsRefusedNamingTheFieldAndStoresNothing(
      String name, String body, int status, String code, String field, String fieldCode) {
    long intents = count("payment_intents");
    long events = count("intent_events");
    var expectations = client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", "key-" + UUID.randomUUID())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus().isEqualTo(HttpStatus.valueOf(status))
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.code").isEqualTo(code)
        .jsonPath("$.status").isEqualTo(status)
        .jsonPath("$.detail").isNotEmpty();
    if (field != null) {
      expectations.jsonPath("$.errors[?(@.field == '" + field + "')].code").isEqualTo(fieldCode);
    }
    assertThat(count("payment_intents")).isEqualTo(intents);
    assertThat(count("intent_events")).isEqualTo(events);
  }

  @Test
  void aSingleRequestReportsEveryInvalidField() {
    client.post().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
        .header("Idempotency-Key", "key-" + UUID.randomUUID())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"amount\": -1, \"currency\": \"XXY\", \"paymentMethod\": {\"type\": \"card\"}}")
        .exchange()
        .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
        .expectBody()
        .jsonPath("$.errors.length()").isEqualTo(3)
        .jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
            .contains("amount", "currency", "paymentMethod.token"));
  }
}
