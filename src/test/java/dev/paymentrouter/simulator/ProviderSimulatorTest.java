package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ProviderSimulatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<ProviderSimulator> started = new ArrayList<>();
    private ProviderSimulator sim;

    @AfterEach
    void closeSimulators() {
        started.forEach(ProviderSimulator::close);
        client.close();
    }

    // ---- magic tokens ----

    @ParameterizedTest
    @ValueSource(strings = {"tok_visa", "tok_mastercard", "tok_approve"})
    void approvesChargeForApprovingMagicToken(String token) throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body(1299, "EUR", token, "pi_abc_1"));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode charge = json(response);
        assertThat(charge.get("id").stringValue()).matches("ch_[0-9a-z]{24}");
        assertThat(charge.get("reference").stringValue()).isEqualTo("pi_abc_1");
        assertThat(charge.get("idempotencyKey").stringValue()).isEqualTo("key-1");
        assertThat(charge.get("status").stringValue()).isEqualTo("approved");
        assertThat(charge.get("declineCode").isNull()).isTrue();
        assertThat(charge.get("amount").longValue()).isEqualTo(1299L);
        assertThat(charge.get("currency").stringValue()).isEqualTo("EUR");
        assertThat(charge.get("createdAt").stringValue()).isEqualTo(NOW.toString());
        assertThat(sim.ledger().charges()).singleElement().isEqualTo(new SimulatorCharge(
                charge.get("id").stringValue(), "key-1", "pi_abc_1", 1299, "EUR", "approved", null, NOW));
    }

    @ParameterizedTest
    @CsvSource({
        "tok_decline, insufficient_funds",
        "tok_insufficient_funds, insufficient_funds",
        "tok_card_declined, card_declined",
        "tok_expired_card, expired_card",
        "tok_issuer_unavailable, issuer_unavailable",
        "tok_processing_error, processing_error"
    })
    void declinesChargeWithTheMagicTokensDeclineCode(String token, String declineCode) throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body(500, "USD", token, "pi_decl"));

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode charge = json(response);
        assertThat(charge.get("status").stringValue()).isEqualTo("declined");
        assertThat(charge.get("declineCode").stringValue()).isEqualTo(declineCode);
        assertThat(sim.ledger().charges()).singleElement().satisfies(recorded -> {
            assertThat(recorded.status()).isEqualTo(SimulatorCharge.DECLINED);
            assertThat(recorded.declineCode()).isEqualTo(declineCode);
        });
        assertThat(sim.ledger().approvedCountFor("pi_decl")).isZero();
        assertThat(sim.stats().declined()).isEqualTo(1);
    }

    @Test
    void recordsTokRequiresActionAsWaitingForTheCustomerAndReplaysIt() throws Exception {
        start(SimulatorBehaviour.reliable());
        String request = body(1299, "EUR", "tok_requires_action", "pi_3ds");

        HttpResponse<String> first = charge("key-1", request);
        HttpResponse<String> replay = charge("key-1", request);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(json(first).get("status").stringValue()).isEqualTo("requires_action");
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(sim.ledger().charges()).singleElement()
                .extracting(SimulatorCharge::status).isEqualTo(SimulatorCharge.REQUIRES_ACTION);
        assertThat(sim.ledger().approvedCountFor("pi_3ds")).isZero();
        assertThat(json(get("/v1/charges?reference=pi_3ds")).get("status").stringValue())
                .isEqualTo("requires_action");
    }

    @Test
    void showsTheDialectInTheConfigAndRefusesToChangeIt() throws Exception {
        start(SimulatorBehaviour.reliable());

        assertThat(json(get("/_sim/config")).get("dialect").stringValue()).isEqualTo("native");
        assertThat(put("/_sim/config", "{\"dialect\": \"stripe\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void answersUnavailableForTokUnavailableWithoutRecording() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_unavailable", "pi_1"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"error\":\"unavailable\"}");
        assertThat(sim.ledger().charges()).isEmpty();
        assertThat(sim.stats().unavailable()).isEqualTo(1);
    }

    @Test
    void answersInternalErrorForTokErrorWithoutRecording() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_error", "pi_1"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"error\":\"internal_error\"}");
        assertThat(sim.ledger().charges()).isEmpty();
        assertThat(sim.stats().errors()).isEqualTo(1);
    }

    @Test
    void answersRateLimitedForTokRateLimitedWithoutRecording() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_rate_limited", "pi_1"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(response.body()).isEqualTo("{\"error\":\"rate_limited\"}");
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @Test
    void holdsTokHangWithoutAnsweringOrRecording() {
        start(SimulatorBehaviour.reliable());

        assertThatThrownBy(() -> charge("key-1", body(100, "EUR", "tok_hang", "pi_1"), Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(sim.ledger().charges()).isEmpty();
        assertThat(sim.ledger().byReference("pi_1")).isEmpty();
        assertThat(sim.stats().hangs()).isEqualTo(1);
    }

    @Test
    void closesHangingConnectionWithoutResponseAfterHangDuration() {
        start(SimulatorBehaviour.reliable().withHangDuration(Duration.ofMillis(300)));
        long startNanos = System.nanoTime();

        assertThatThrownBy(() -> charge("key-1", body(100, "EUR", "tok_hang", "pi_1")))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);

        assertThat(elapsedMillis(startNanos)).isGreaterThanOrEqualTo(300);
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @Test
    void recordsApprovedChargeButLosesResponseForTokLostResponse() throws Exception {
        start(SimulatorBehaviour.reliable());
        String request = body(1299, "EUR", "tok_lost_response", "pi_lost");

        assertThatThrownBy(() -> charge("key-1", request, Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(sim.ledger().charges()).singleElement().satisfies(recorded -> {
            assertThat(recorded.status()).isEqualTo("approved");
            assertThat(recorded.reference()).isEqualTo("pi_lost");
        });
        assertThat(sim.stats().lostResponses()).isEqualTo(1);
        assertThat(sim.stats().approved()).isEqualTo(1);

        // The router's retry with the same key learns what the lost response said.
        HttpResponse<String> retry = charge("key-1", request);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(retry).get("id").stringValue()).isEqualTo(sim.ledger().charges().getFirst().id());
        assertThat(sim.ledger().approvedCountFor("pi_lost")).isEqualTo(1);
    }

    @Test
    void approvesTokSlowAfterTheSlowTokenDelay() throws Exception {
        start(SimulatorBehaviour.reliable().withSlowTokenDelay(Duration.ofMillis(300)));
        long startNanos = System.nanoTime();

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_slow", "pi_1"));

        assertThat(elapsedMillis(startNanos)).isGreaterThanOrEqualTo(300);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(json(response).get("status").stringValue()).isEqualTo("approved");
    }

    // ---- idempotency ----

    @Test
    void replaysChargeForSameIdempotencyKey() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> first = charge("key-1", body(1299, "EUR", "tok_visa", "pi_abc_1"));
        // Same fields in another order and spacing: the same request for a provider.
        HttpResponse<String> second = charge("key-1",
                "{ \"reference\": \"pi_abc_1\", \"token\": \"tok_visa\", \"currency\": \"EUR\", \"amount\": 1299 }");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(sim.ledger().charges()).hasSize(1);
        assertThat(sim.stats().replays()).isEqualTo(1);
        assertThat(sim.stats().approved()).isEqualTo(1);
    }

    @Test
    void replaysDeclineForSameIdempotencyKeyEvenWhenRandomOutcomesChanged() throws Exception {
        start(SimulatorBehaviour.reliable().withDeclineRate(1.0));
        String request = body(700, "EUR", "tok_4242", "pi_1");
        HttpResponse<String> first = charge("key-1", request);

        sim.update(SimulatorBehaviour.reliable());
        HttpResponse<String> second = charge("key-1", request);

        assertThat(json(first).get("status").stringValue()).isEqualTo("declined");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void rejectsSameIdempotencyKeyWithDifferentBody() throws Exception {
        start(SimulatorBehaviour.reliable());
        charge("key-1", body(1299, "EUR", "tok_visa", "pi_abc_1"));

        HttpResponse<String> response = charge("key-1", body(1300, "EUR", "tok_visa", "pi_abc_1"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"error\":\"idempotency_key_reused\"}");
        assertThat(sim.ledger().charges()).hasSize(1);
    }

    @Test
    void processesKeyAfreshWhenPreviousAttemptRecordedNothing() throws Exception {
        start(SimulatorBehaviour.reliable().withErrorRate(1.0));
        String request = body(100, "EUR", "tok_4242", "pi_1");
        assertThat(charge("key-1", request).statusCode()).isEqualTo(500);

        sim.update(SimulatorBehaviour.reliable());
        HttpResponse<String> retry = charge("key-1", request);

        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(sim.ledger().approvedCountFor("pi_1")).isEqualTo(1);
    }

    @Test
    void refusesSecondRequestWhileFirstWithSameKeyIsInFlight() throws Exception {
        start(SimulatorBehaviour.reliable().withLatencyMs(2_000));
        String request = body(100, "EUR", "tok_visa", "pi_1");
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(chargeRequest("key-1", request, CLIENT_TIMEOUT),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.inFlightCount() == 1);

        HttpResponse<String> concurrent = charge("key-1", request);

        assertThat(concurrent.statusCode()).isEqualTo(409);
        assertThat(concurrent.body()).isEqualTo("{\"error\":\"idempotency_key_in_use\"}");
        assertThat(first.get().statusCode()).isEqualTo(201);
        assertThat(sim.ledger().charges()).hasSize(1);
    }

    @Test
    void recordsChargeEvenWhenClientGivesUpDuringLatency() throws Exception {
        start(SimulatorBehaviour.reliable().withLatencyMs(300));
        String body = body(100, "EUR", "tok_visa", "pi_1");

        // A raw socket closed right after sending: the provider sees the client go away mid-latency.
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.getOutputStream().write(("POST /v1/charges HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nIdempotency-Key: key-1\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.inFlightCount() == 1);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> sim.ledger().approvedCountFor("pi_1") == 1);
    }

    // ---- rate limit and availability ----

    @Test
    void rateLimitsBeyondConfiguredRequestsPerSecondWithoutRecording() throws Exception {
        // A fixed clock never refills the bucket, so the limit is exact however slow the machine.
        start(SimulatorBehaviour.reliable().withRateLimitPerSecond(2), FIXED_CLOCK);

        int first = charge("key-1", body(100, "EUR", "tok_visa", "pi_1")).statusCode();
        int second = charge("key-2", body(100, "EUR", "tok_visa", "pi_2")).statusCode();
        HttpResponse<String> third = charge("key-3", body(100, "EUR", "tok_visa", "pi_3"));

        assertThat(first).isEqualTo(201);
        assertThat(second).isEqualTo(201);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(third.body()).isEqualTo("{\"error\":\"rate_limited\"}");
        assertThat(sim.ledger().charges()).extracting(SimulatorCharge::idempotencyKey)
                .containsExactly("key-1", "key-2");
        assertThat(sim.ledger().byReference("pi_3")).isEmpty();
        assertThat(sim.stats().rateLimited()).isEqualTo(1);
    }

    @Test
    void answersUnavailableAtOnceWhenNotAvailable() throws Exception {
        // Latency far above the client timeout: an answer at all proves it came before the latency.
        start(SimulatorBehaviour.reliable().withAvailable(false).withLatencyMs(30_000));

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_visa", "pi_1"), Duration.ofSeconds(10));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"error\":\"unavailable\"}");
        assertThat(sim.ledger().charges()).isEmpty();
    }

    // ---- validation and auth ----

    @Test
    void rejectsChargeWithoutIdempotencyKey() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/charges"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(100, "EUR", "tok_visa", "pi_1"))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"missing_idempotency_key\"}");
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"amount\": 12.99, \"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": \"1299\", \"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": 0, \"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": -5, \"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": 1299, \"currency\": \"eur\", \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": 1299, \"token\": \"tok_visa\", \"reference\": \"r\"}",
        "{\"amount\": 1299, \"currency\": \"EUR\", \"reference\": \"r\"}",
        "{\"amount\": 1299, \"currency\": \"EUR\", \"token\": \"tok_visa\", \"reference\": \" \"}",
        "[1, 2]",
        "not json",
        ""
    })
    void rejectsInvalidChargeBody(String body) throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = charge("key-1", body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response);
        assertThat(error.get("error").stringValue()).isEqualTo("invalid_request");
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @Test
    void enforcesApiKeyWhenConfigured() throws Exception {
        sim = track(ProviderSimulator.start(SimulatorSettings.local("psp-a").withApiKey("sk_test_1"),
                FIXED_CLOCK, new SplittableRandom(1)));
        String request = body(100, "EUR", "tok_visa", "pi_1");

        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/v1/charges"))
                .header("Idempotency-Key", "key-1")
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/v1/charges"))
                .header("Idempotency-Key", "key-1")
                .header("Authorization", "Bearer sk_test_2")
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        HttpResponse<String> lookupWithoutKey = get("/v1/charges?reference=pi_1");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(lookupWithoutKey.statusCode()).isEqualTo(401);
        assertThat(sim.ledger().charges()).isEmpty();

        HttpResponse<String> right = send(HttpRequest.newBuilder(uri("/v1/charges"))
                .header("Idempotency-Key", "key-1")
                .header("Authorization", "Bearer sk_test_1")
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        HttpResponse<String> lookupWithKey = send(HttpRequest.newBuilder(uri("/v1/charges?reference=pi_1"))
                .header("Authorization", "Bearer sk_test_1").GET());

        assertThat(right.statusCode()).isEqualTo(201);
        assertThat(lookupWithKey.statusCode()).isEqualTo(200);
        // Control endpoints stay open: they are the test's, not the router's.
        assertThat(get("/_sim/ledger").statusCode()).isEqualTo(200);
    }

    // ---- status queries ----

    @Test
    void findsChargeByReferenceAndById() throws Exception {
        start(SimulatorBehaviour.reliable());
        HttpResponse<String> created = charge("key-1", body(1299, "EUR", "tok_visa", "pi abc/1"));
        String id = json(created).get("id").stringValue();

        HttpResponse<String> byReference = get("/v1/charges?reference=pi+abc%2F1");
        HttpResponse<String> byId = get("/v1/charges/" + id);

        assertThat(byReference.statusCode()).isEqualTo(200);
        assertThat(withoutMoneySince(byReference)).isEqualTo(json(created));
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(withoutMoneySince(byId)).isEqualTo(json(created));
        assertThat(json(byId).get("captured").longValue()).isEqualTo(1299);
        assertThat(json(byId).get("modifications").isEmpty()).isTrue();
    }

    /** A look-up adds what became of the charge's money since; the rest is the charge as first answered. */
    private static JsonNode withoutMoneySince(HttpResponse<String> response) {
        ObjectNode node = (ObjectNode) json(response);
        node.remove(List.of("captured", "voided", "refunded", "modifications"));
        return node;
    }

    @Test
    void answersNotFoundForUnknownReferenceOrId() throws Exception {
        start(SimulatorBehaviour.reliable());
        charge("key-1", body(100, "EUR", "tok_error", "pi_failed"));

        HttpResponse<String> byReference = get("/v1/charges?reference=pi_failed");
        HttpResponse<String> byId = get("/v1/charges/ch_unknown");

        assertThat(byReference.statusCode()).isEqualTo(404);
        assertThat(byReference.body()).isEqualTo("{\"error\":\"not_found\"}");
        assertThat(byId.statusCode()).isEqualTo(404);
    }

    @Test
    void reportsApprovedChargeOfReferenceOverLaterDecline() throws Exception {
        start(SimulatorBehaviour.reliable());
        String approvedId = json(charge("key-1", body(100, "EUR", "tok_visa", "pi_1"))).get("id").stringValue();
        charge("key-2", body(100, "EUR", "tok_decline", "pi_1"));

        assertThat(sim.ledger().byReference("pi_1")).get().extracting(SimulatorCharge::id).isEqualTo(approvedId);
        assertThat(json(get("/v1/charges?reference=pi_1")).get("id").stringValue()).isEqualTo(approvedId);
        assertThat(sim.ledger().approvedCountFor("pi_1")).isEqualTo(1);
        assertThat(sim.ledger().byId(approvedId)).isPresent();
    }

    // ---- random outcomes ----

    @Test
    void declinesNonMagicTokenWhenDeclineRateIsOne() throws Exception {
        start(SimulatorBehaviour.reliable().withDeclineRate(1.0));

        JsonNode charge = json(charge("key-1", body(100, "EUR", "tok_4242", "pi_1")));

        assertThat(charge.get("status").stringValue()).isEqualTo("declined");
        assertThat(charge.get("declineCode").stringValue()).isEqualTo("card_declined");
    }

    @Test
    void failsNonMagicTokenWhenErrorRateIsOne() throws Exception {
        start(SimulatorBehaviour.reliable().withErrorRate(1.0).withDeclineRate(1.0));

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_4242", "pi_1"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @Test
    void answersUnavailableForNonMagicTokenWhenUnavailableRateIsOne() throws Exception {
        start(SimulatorBehaviour.reliable().withUnavailableRate(1.0).withErrorRate(1.0));

        assertThat(charge("key-1", body(100, "EUR", "tok_4242", "pi_1")).statusCode()).isEqualTo(503);
        assertThat(sim.ledger().charges()).isEmpty();
    }

    @Test
    void losesResponseOfRecordedChargeWhenLostResponseRateIsOne() {
        start(SimulatorBehaviour.reliable().withLostResponseRate(1.0));

        assertThatThrownBy(() -> charge("key-1", body(100, "EUR", "tok_4242", "pi_1"), Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(sim.ledger().approvedCountFor("pi_1")).isEqualTo(1);
    }

    @Test
    void magicTokenOverridesRandomFaults() throws Exception {
        start(SimulatorBehaviour.reliable().withUnavailableRate(1.0).withDeclineRate(1.0));

        JsonNode charge = json(charge("key-1", body(100, "EUR", "tok_visa", "pi_1")));

        assertThat(charge.get("status").stringValue()).isEqualTo("approved");
    }

    @Test
    void sameSeedGivesSameOutcomesAndChargeIds() throws Exception {
        SimulatorBehaviour coinFlip = SimulatorBehaviour.reliable().withDeclineRate(0.5);
        List<String> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            start(coinFlip, FIXED_CLOCK, new SplittableRandom(42));
            StringBuilder outcomes = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                JsonNode charge = json(charge("key-" + i, body(100, "EUR", "tok_4242", "pi_" + i)));
                outcomes.append(charge.get("id").stringValue()).append(':')
                        .append(charge.get("status").stringValue()).append(' ');
            }
            runs.add(outcomes.toString());
        }

        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(0)).contains(":approved").contains(":declined");
    }

    // ---- latency ----

    @Test
    void waitsAtLeastTheConfiguredLatency() throws Exception {
        start(SimulatorBehaviour.reliable().withLatencyMs(250));
        long startNanos = System.nanoTime();

        HttpResponse<String> response = charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(elapsedMillis(startNanos)).isGreaterThanOrEqualTo(250);
    }

    @Test
    void addsJitterOnTopOfTheLatency() throws Exception {
        // The jitter is the simulator's first draw, so a generator with the same seed predicts it.
        RandomGenerator random = new SplittableRandom(3);
        long expectedJitter = new SplittableRandom(3).nextLong(201);
        start(SimulatorBehaviour.reliable().withLatencyMs(100).withLatencyJitterMs(200), Clock.systemUTC(), random);
        long startNanos = System.nanoTime();

        charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));

        assertThat(elapsedMillis(startNanos)).isGreaterThanOrEqualTo(100 + expectedJitter);
    }

    // ---- control endpoints ----

    @Test
    void putConfigChangesBehaviourOfLaterRequests() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> put = put("/_sim/config", "{\"declineRate\": 1.0, \"latencyMs\": 5}");
        HttpResponse<String> charge = charge("key-1", body(100, "EUR", "tok_4242", "pi_1"));

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put).get("declineRate").doubleValue()).isEqualTo(1.0);
        assertThat(json(put).get("latencyMs").longValue()).isEqualTo(5);
        assertThat(json(put).get("hangDurationMs").longValue()).isEqualTo(60_000);
        assertThat(sim.behaviour()).isEqualTo(SimulatorBehaviour.reliable().withDeclineRate(1.0).withLatencyMs(5));
        assertThat(json(get("/_sim/config"))).isEqualTo(json(put));
        assertThat(json(charge).get("status").stringValue()).isEqualTo("declined");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"declineRate\": 1.5}",
        "{\"errorRate\": -0.1}",
        "{\"latencyMs\": -1}",
        "{\"hangDurationMs\": -1}",
        "{\"rateLimitPerSecond\": -1}",
        "{\"latencyMs\": \"100\"}",
        "{\"available\": \"no\"}",
        "{\"declineRat\": 0.5}",
        "{\"declineRate\": 0.5, \"unavailableRate\": 2}",
        "[]",
        "nope"
    })
    void putConfigRejectsInvalidValuesAndKeepsBehaviour(String body) throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> response = put("/_sim/config", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").stringValue()).isEqualTo("invalid_request");
        assertThat(sim.behaviour()).isEqualTo(SimulatorBehaviour.reliable());
    }

    @Test
    void putConfigCanTakeTheProviderDownAndBackUp() throws Exception {
        start(SimulatorBehaviour.reliable());

        put("/_sim/config", "{\"available\": false}");
        int whileDown = charge("key-1", body(100, "EUR", "tok_visa", "pi_1")).statusCode();
        put("/_sim/config", "{\"available\": true}");
        int whenUp = charge("key-1", body(100, "EUR", "tok_visa", "pi_1")).statusCode();

        assertThat(whileDown).isEqualTo(503);
        assertThat(whenUp).isEqualTo(201);
    }

    @Test
    void changingRateLimitRebuildsTheBucket() throws Exception {
        start(SimulatorBehaviour.reliable().withRateLimitPerSecond(1), FIXED_CLOCK);
        charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));
        assertThat(charge("key-2", body(100, "EUR", "tok_visa", "pi_2")).statusCode()).isEqualTo(429);

        put("/_sim/config", "{\"rateLimitPerSecond\": 0}");
        assertThat(charge("key-3", body(100, "EUR", "tok_visa", "pi_3")).statusCode()).isEqualTo(201);
        assertThat(charge("key-4", body(100, "EUR", "tok_visa", "pi_4")).statusCode()).isEqualTo(201);

        put("/_sim/config", "{\"rateLimitPerSecond\": 1}");
        assertThat(charge("key-5", body(100, "EUR", "tok_visa", "pi_5")).statusCode()).isEqualTo(201);
        assertThat(charge("key-6", body(100, "EUR", "tok_visa", "pi_6")).statusCode()).isEqualTo(429);
    }

    @Test
    void exposesLedgerAndStatsAndResetsThem() throws Exception {
        start(SimulatorBehaviour.reliable());
        String id = json(charge("key-1", body(100, "EUR", "tok_visa", "pi_1"))).get("id").stringValue();
        charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));
        charge("key-2", body(100, "EUR", "tok_expired_card", "pi_2"));
        charge("key-3", body(100, "EUR", "tok_unavailable", "pi_3"));

        JsonNode ledger = json(get("/_sim/ledger"));
        JsonNode stats = json(get("/_sim/stats"));

        assertThat(ledger.get("charges")).hasSize(2);
        assertThat(ledger.get("charges").get(0).get("id").stringValue()).isEqualTo(id);
        assertThat(ledger.get("charges").get(1).get("declineCode").stringValue()).isEqualTo("expired_card");
        assertThat(stats).isEqualTo(JSON.readTree("""
                {"requests":4,"approved":1,"declined":1,"rateLimited":0,"unavailable":1,"errors":0,"hangs":0,
                 "lostResponses":0,"replays":1,"statusQueries":0}"""));

        HttpResponse<String> reset = post("/_sim/reset", "");

        assertThat(reset.statusCode()).isEqualTo(204);
        assertThat(json(get("/_sim/ledger")).get("charges")).isEmpty();
        assertThat(sim.stats()).isEqualTo(new SimulatorStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        // A forgotten key is a new charge, not a replay.
        HttpResponse<String> after = charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));
        assertThat(after.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json(after).get("id").stringValue()).isNotEqualTo(id);
    }

    @Test
    void answersNotFoundForUnknownRoutes() throws Exception {
        start(SimulatorBehaviour.reliable());

        HttpResponse<String> unknownPath = get("/v2/charges");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri("/v1/charges")).DELETE());
        HttpResponse<String> nestedId = get("/v1/charges/a/b");

        for (HttpResponse<String> response : List.of(unknownPath, wrongMethod, nestedId)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"error\":\"not_found\"}");
        }
    }

    // ---- lifecycle ----

    @Test
    void refusesConnectionsAfterCloseAndServesAgainAfterRestart() throws Exception {
        start(SimulatorBehaviour.reliable());
        int port = sim.port();
        assertThat(charge("key-1", body(100, "EUR", "tok_visa", "pi_1")).statusCode()).isEqualTo(201);

        sim.close();

        assertThatThrownBy(() -> get("/_sim/stats")).isInstanceOf(ConnectException.class);

        sim.restart();

        assertThat(sim.port()).isEqualTo(port);
        HttpResponse<String> replay = charge("key-1", body(100, "EUR", "tok_visa", "pi_1"));
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void closeDropsConnectionHeldByHang() throws Exception {
        start(SimulatorBehaviour.reliable());
        CompletableFuture<HttpResponse<String>> hanging = client.sendAsync(
                chargeRequest("key-1", body(100, "EUR", "tok_hang", "pi_1"), CLIENT_TIMEOUT),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().hangs() == 1);

        sim.close();

        assertThat(hanging).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getCause()).isNotInstanceOf(HttpTimeoutException.class));
    }

    @Test
    void baseUrlUsesLoopbackForWildcardHost() {
        sim = track(ProviderSimulator.start(new SimulatorSettings("wild", "0.0.0.0", 0, null,
                SimulatorBehaviour.reliable())));

        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
        assertThat(sim.name()).isEqualTo("wild");
    }

    // ---- helpers ----

    private void start(SimulatorBehaviour behaviour) {
        start(behaviour, FIXED_CLOCK, new SplittableRandom(7));
    }

    private void start(SimulatorBehaviour behaviour, Clock clock) {
        start(behaviour, clock, new SplittableRandom(7));
    }

    private void start(SimulatorBehaviour behaviour, Clock clock, RandomGenerator random) {
        sim = track(ProviderSimulator.start(SimulatorSettings.local("psp-test").withBehaviour(behaviour), clock,
                random));
    }

    private ProviderSimulator track(ProviderSimulator simulator) {
        started.add(simulator);
        return simulator;
    }

    private static String body(long amount, String currency, String token, String reference) {
        return """
                {"amount": %d, "currency": "%s", "token": "%s", "reference": "%s"}"""
                .formatted(amount, currency, token, reference);
    }

    private HttpRequest chargeRequest(String idempotencyKey, String body, Duration timeout) {
        return HttpRequest.newBuilder(uri("/v1/charges"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> charge(String idempotencyKey, String body) throws IOException, InterruptedException {
        return charge(idempotencyKey, body, CLIENT_TIMEOUT);
    }

    private HttpResponse<String> charge(String idempotencyKey, String body, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(chargeRequest(idempotencyKey, body, timeout), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(sim.baseUrl() + path);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
