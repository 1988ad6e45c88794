package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.PrometheusScrape;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TightInboundLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * After a scripted run through the simulators, the meters an operator reads hold what the run did: calls by
 * outcome in a latency histogram, final statuses with their time and attempt counts, each merchant's requests by
 * status (its 429s too), mailbox depths, breaker transitions. Its context (tight merchant limits) is shared only with
 * DashboardMetricsTest, which creates no intent, so no other test's intents move its counts.
 */
@Import(TightInboundLimits.class)
class RouterMetricsTest extends RouterIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired
  ProviderDirectory providers;

  @Test
  void theMetersHoldWhatAScriptedRunDid() {
    String merchantId = "m_metrics_" + System.nanoTime();
    IntentClient intents = new IntentClient(client, newMerchant(merchantId));
    PrometheusScrape before = scrape();

    // Three approvals, two hard declines, and one soft decline that fails over until every provider declined.
    List<String> ids = new ArrayList<>();
    for (String token : List.of("tok_visa", "tok_visa", "tok_visa", "tok_decline", "tok_decline",
        "tok_try_again_later")) {
      ids.add(intents.created(IntentClient.body(1_000, token)).get("id").asString());
    }
    List<JsonNode> done = new ArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    for (String id : ids) {
      done.add(await().atMost(WAIT).until(() -> {
        reads.incrementAndGet();
        return intents.get(id);
      }, intent -> isFinal(intent.get("status").asString())));
    }
    int softAttempts = done.getLast().get("attempts").size();
    assertThat(softAttempts).as("the soft decline failed over").isGreaterThan(1);

    PrometheusScrape after = scrape();
    // Final statuses, how long each took, and how many attempts each made.
    assertThat(delta(before, after, "payment_router_intents_final_total", "status", "succeeded")).isEqualTo(3);
    assertThat(delta(before, after, "payment_router_intents_final_total", "status", "failed")).isEqualTo(3);
    assertThat(delta(before, after, "payment_router_intents_time_to_final_seconds_count", "status", "succeeded"))
        .isEqualTo(3);
    assertThat(delta(before, after, "payment_router_intents_time_to_final_seconds_count", "status", "failed"))
        .isEqualTo(3);
    assertThat(delta(before, after, "payment_router_intents_attempts_count")).isEqualTo(6);
    assertThat(delta(before, after, "payment_router_intents_attempts_sum")).isEqualTo(5 + softAttempts);
    assertThat(delta(before, after, "payment_router_intents_attempts_bucket", "le", "1.0")).isEqualTo(5);
    assertThat(delta(before, after, "payment_router_attempts_failovers_total")).isEqualTo(softAttempts - 1);
    assertThat(delta(before, after, "payment_router_intents_transitions_total", "status", "pending")).isEqualTo(6);
    assertThat(delta(before, after, "payment_router_intents_transitions_total", "status", "succeeded")).isEqualTo(3);
    assertThat(delta(before, after, "payment_router_intents_transitions_total", "status", "failed")).isEqualTo(3);

    // Provider calls by outcome, as a histogram: every call falls in the +Inf bucket, and the buckets are cumulative.
    assertThat(delta(before, after, "payment_router_provider_calls_seconds_count", "outcome", "approved"))
        .isEqualTo(3);
    assertThat(delta(before, after, "payment_router_provider_calls_seconds_count", "outcome", "declined"))
        .isEqualTo(2 + softAttempts);
    assertThat(delta(before, after, "payment_router_provider_calls_seconds_bucket", "outcome", "declined",
        "le", "+Inf")).isEqualTo(2 + softAttempts);
    assertThat(after.sum("payment_router_provider_calls_seconds_bucket", "outcome", "approved", "le", "0.005"))
        .isLessThanOrEqualTo(after.sum("payment_router_provider_calls_seconds_bucket", "outcome", "approved",
            "le", "30.0"));
    assertThat(after.samples("payment_router_provider_calls_seconds_bucket", "provider", "alpha",
        "outcome", "approved")).hasSize(14);

    // The merchant's requests by status, and each message that reached an intent's mailbox.
    assertThat(after.sum("payment_router_merchant_requests_total", "merchant", merchantId, "status", "201"))
        .isEqualTo(6);
    assertThat(after.sum("payment_router_merchant_requests_total", "merchant", merchantId, "status", "200"))
        .isEqualTo(reads.get());
    assertThat(delta(before, after, "payment_router_intents_mailbox_depth_count")).isGreaterThanOrEqualTo(6);
    assertThat(after.sum("payment_router_intents_mailbox_capacity")).isEqualTo(16);
    assertThat(after.sum("payment_router_intents_reconciling")).isZero();
  }

  @Test
  void aThrottledMerchantsRequestsAreCountedAs429() {
    String merchantId = TightInboundLimits.PREFIX + System.nanoTime();
    String key = newMerchant(merchantId);

    int refused = 0;
    for (int i = 0; i < 4; i++) {
      int status = client.get().uri("/v1/payment-intents").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
          .exchange().returnResult(byte[].class).getStatus().value();
      refused += status == 429 ? 1 : 0;
    }

    assertThat(refused).isPositive();
    PrometheusScrape after = scrape();
    assertThat(after.sum("payment_router_merchant_requests_total", "merchant", merchantId, "status", "429"))
        .isEqualTo(refused);
    assertThat(after.sum("payment_router_merchant_requests_total", "merchant", merchantId, "status", "200"))
        .isEqualTo(4 - refused);
  }

  @Test
  void breakerTransitionsAreCountedByTheStateEntered() {
    PrometheusScrape before = scrape();
    var breaker = providers.find("gamma").orElseThrow().gatekeeper().circuitBreaker();

    breaker.transitionToForcedOpenState();
    breaker.transitionToClosedState();

    PrometheusScrape after = scrape();
    assertThat(delta(before, after, "payment_router_provider_breaker_transitions_total", "provider", "gamma",
        "to", "forced_open")).isEqualTo(1);
    assertThat(delta(before, after, "payment_router_provider_breaker_transitions_total", "provider", "gamma",
        "to", "closed")).isEqualTo(1);
    assertThat(after.sum("payment_router_provider_restarts_total", "provider", "gamma")).isZero();
    assertThat(after.sum("payment_router_provider_down_time_seconds_total", "provider", "gamma")).isZero();
    assertThat(after.samples("payment_router_provider_refusals_total", "provider", "gamma")).isNotEmpty();
    assertThat(after.sum("payment_router_provider_concurrency", "provider", "gamma")).isPositive();
  }

  private PrometheusScrape scrape() {
    return new PrometheusScrape(management.get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN)
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
  }

  private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private static boolean isFinal(String status) {
    return List.of("succeeded", "failed", "canceled", "requires_action").contains(status);
  }
}
