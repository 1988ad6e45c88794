package dev.paymentrouter.stripeapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.api.MerchantApiDoor;
import dev.paymentrouter.api.ProblemWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import tools.jackson.databind.JsonNode;

/**
 * The merchant API's shared filters refuse in the words of the door they run behind: on the Stripe-compatible door, an
 * overload is Stripe's 503 {@code api_error} that its clients may retry, a merchant over its limit Stripe's 429.
 */
class StripeRefusalsTest {

  @Test
  void anOverloadRefusalOnTheStripeDoorIsARetryableApiError() {
    MockServerWebExchange exchange = stripeDoorExchange();

    ProblemWriter.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Too many payments in flight",
        "the router is at capacity; nothing was stored, retry after 1 s").block(Duration.ofSeconds(5));

    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(exchange.getResponse().getHeaders().getFirst(StripeResponses.SHOULD_RETRY)).isEqualTo("true");
    JsonNode error = body(exchange).path("error");
    assertThat(error.path("type").stringValue()).isEqualTo("api_error");
    assertThat(error.path("code").stringValue()).isEqualTo("overloaded");
    assertThat(error.path("message").stringValue()).contains("nothing was stored");
  }

  @Test
  void aMerchantOverItsLimitOnTheStripeDoorGetsARateLimitError() {
    MockServerWebExchange exchange = stripeDoorExchange();

    ProblemWriter.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many requests",
        "this merchant may send 1 requests per second").block(Duration.ofSeconds(5));

    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(body(exchange).path("error").path("type").stringValue()).isEqualTo("rate_limit_error");
  }

  private static MockServerWebExchange stripeDoorExchange() {
    MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/payment_intents"));
    MerchantApiDoor.refusalsWrittenBy(exchange, StripeResponses::refusal);
    return exchange;
  }

  private static JsonNode body(MockServerWebExchange exchange) {
    return StripeResponses.JSON.readTree(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)));
  }
}
