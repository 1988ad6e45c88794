package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A few thousand mutated create requests (random bytes, control characters, huge numbers, deep nesting, odd
 * Unicode, odd headers): none may answer 5xx, and nothing may be stored for any of them but those answered 201.
 * The seed is fixed so that a failure can be replayed; {@code -Dfuzz.seed=N -Dfuzz.requests=N} explore further.
 */
class FuzzApiTest extends RouterIntegrationTest {

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static final long SEED = Long.getLong("fuzz.seed", 20261130L);
  static final int REQUESTS = Integer.getInteger("fuzz.requests", 2_000);

  static final String[] ODD = {
      "\\u0000", "\\u0001", "\\u001f", "\\u007f", "\\u0085", "\\u00a0", "\\u200b", "\\u200e", "\\u202e", "\\u2028",
      "\\ufeff", "\\ufffd", "\\uffff", "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83d", "\\n", "\\t", "\\\\",
      "\\\"", "%00", "' or 1=1 --", "${jndi:ldap://x}", "<script>", "\u00e9", "\u4e2d", "\ud83d\udcb3",
      "\u0000", "\u0007", "\u001b[31m"};

  static final String[] NUMBERS = {
      "0", "-0", "1", "-1", "1.0", "1e3", "1E400", "-1e-400", "0.1", "999999999999", "1000000000000",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(400), "NaN",
      "Infinity", "0x10", "01", "1_000", "\"12\"", "null", "true", "[]", "{}"};

  @Test
  void mutatedRequestsNeverGetA5xxAndStoreNothingUnlessCreated() {
    String key = newMerchant();
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    long created = 0;
    for (int i = 0; i < REQUESTS; i++) {
      Request request = mutate(random, i);
      HttpResponse<String> response = send(key, request);
      if (response == null) {
        continue; // a header no HTTP client would send
      }
      int status = response.statusCode();
      statuses.merge(status, 1, Integer::sum);
      if (status >= 500) {
        failures.add(status + " for #" + i + " (" + request.kind() + "): "
            + new String(request.body(), StandardCharsets.UTF_8).replace("\u0000", "\\0") + " -> "
            + response.body());
      }
      if (status == 201) {
        created++;
      }
    }

    System.out.println("Fuzzed " + REQUESTS + " creates (seed " + SEED + "): answers " + statuses);
    assertThat(failures).as("answers of 5xx, seed " + SEED).isEmpty();
    // Nothing but the 201s was stored (a 200 is a replay of one of them).
    assertThat(countIntentsOf(key)).as("statuses " + statuses).isEqualTo(created);
    // Mutations hit the validation, not only the parser: some requests survive them, most are refused.
    assertThat(statuses.getOrDefault(422, 0)).isPositive();
    assertThat(statuses.getOrDefault(400, 0)).isPositive();
  }

  record Request(String kind, byte[] body, String idempotencyKey, String contentType) {}

  /** Sent as bytes on the wire, with headers nobody checked client-side; null when the client refuses a header. */
  private HttpResponse<String> send(String key, Request request) {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/payment-intents"))
          .timeout(Duration.ofSeconds(30))
          .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
          .header("Prefer", "wait=0")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
      if (request.idempotencyKey() != null) {
        builder.header("Idempotency-Key", request.idempotencyKey());
      }
      if (request.contentType() != null) {
        builder.header(HttpHeaders.CONTENT_TYPE, request.contentType());
      }
    } catch (IllegalArgumentException refusedByTheClient) {
      return null;
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Request mutate(SplittableRandom random, int index) {
    String key = "fuzz-" + SEED + "-" + index;
    String contentType = "application/json";
    return switch (random.nextInt(9)) {
      case 0 -> new Request("byte flips", flip(random, valid(random).getBytes(StandardCharsets.UTF_8)), key,
          contentType);
      case 1 -> new Request("odd text", body(random, odd(random), odd(random), odd(random), odd(random),
          "\"" + pick(random, NUMBERS).replace("\"", "") + "\""), key, contentType);
      case 2 -> new Request("odd numbers", body(random, "tok_visa", "order", "k", "v", pick(random, NUMBERS)), key,
          contentType);
      case 3 -> new Request("deep nesting", deep(random).getBytes(StandardCharsets.UTF_8), key, contentType);
      case 4 -> new Request("truncated", truncate(random, valid(random)), key, contentType);
      case 5 -> new Request("random bytes", bytes(random, random.nextInt(1, 600)), key, contentType);
      case 6 -> new Request("odd headers", valid(random).getBytes(StandardCharsets.UTF_8),
          random.nextBoolean() ? oddHeader(random) : null, random.nextBoolean() ? oddHeader(random) : contentType);
      case 7 -> new Request("wrong types", wrongTypes(random).getBytes(StandardCharsets.UTF_8), key, contentType);
      default -> new Request("valid", valid(random).getBytes(StandardCharsets.UTF_8), key, contentType);
    };
  }

  private static String valid(SplittableRandom random) {
    return new String(body(random, "tok_fuzz_" + random.nextInt(1000), "order-" + random.nextInt(), "cart",
        "v" + random.nextInt(100), Integer.toString(random.nextInt(1, 100_000))), StandardCharsets.UTF_8);
  }

  private static byte[] body(SplittableRandom random, String token, String reference, String metaKey,
      String metaValue, String amount) {
    String json = "{\"amount\": " + amount + ", \"currency\": \"" + pick(random, new String[] {"EUR", "usd", "JPY",
        "XXX", "E\\u0000R", ""}) + "\", \"paymentMethod\": {\"type\": \"card\", \"token\": \"" + token
        + "\", \"country\": \"" + pick(random, new String[] {"DE", "us", "ZZ", "\\u0000\\u0000", "D"}) + "\"}, "
        + "\"reference\": \"" + reference + "\", \"metadata\": {\"" + metaKey + "\": \"" + metaValue + "\"}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String odd(SplittableRandom random) {
    StringBuilder text = new StringBuilder();
    int parts = random.nextInt(1, 5);
    for (int i = 0; i < parts; i++) {
      text.append(random.nextBoolean() ? "x" : "").append(pick(random, ODD).replace("\"", "\\\""));
    }
    return text.toString();
  }

  private static byte[] flip(SplittableRandom random, byte[] body) {
    int flips = random.nextInt(1, 6);
    for (int i = 0; i < flips; i++) {
      body[random.nextInt(body.length)] = (byte) random.nextInt(256);
    }
    return body;
  }

  private static String deep(SplittableRandom random) {
    int depth = pick(random, new Integer[] {10, 400, 999, 1_001, 5_000, 20_000});
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String nested = open.repeat(depth) + "1" + close.repeat(depth);
    return "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", \"token\": \"t\"}, "
        + "\"metadata\": " + nested + "}";
  }

  private static byte[] truncate(SplittableRandom random, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
  }

  private static byte[] bytes(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String oddHeader(SplittableRandom random) {
    StringBuilder header = new StringBuilder();
    int length = random.nextInt(0, 300);
    for (int i = 0; i < length; i++) {
      // Latin-1 without CR, LF and NUL: what an HTTP client will put on the wire.
      char c = (char) random.nextInt(0x20, 0xff);
      header.append(c == 0x7f ? 'x' : c);
    }
    return header.toString();
  }

  private static String wrongTypes(SplittableRandom random) {
    String[] values = {"null", "true", "1", "-1", "1.5", "\"s\"", "[]", "{}", "[1,\"a\"]", "{\"type\":1}",
        "\"" + "a".repeat(random.nextInt(0, 2_000)) + "\""};
    return "{\"amount\": " + pick(random, values) + ", \"currency\": " + pick(random, values)
        + ", \"paymentMethod\": " + pick(random, values) + ", \"reference\": " + pick(random, values)
        + ", \"metadata\": " + pick(random, values) + (random.nextBoolean() ? ", \"extra\": 1" : "") + "}";
  }

  private static <T> T pick(SplittableRandom random, T[] values) {
    return values[random.nextInt(values.length)];
  }
}
