package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.merchant.domain.InboundLimit;
import dev.paymentrouter.merchant.domain.MerchantLimits;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Every merchant without a limit of its own may send 1 request a second, 2 at once; one merchant over it does not
 * slow another.
 */
@TestPropertySource(properties = {
    "payment-router.merchants.default-inbound-limit.per-second=1",
    "payment-router.merchants.default-inbound-limit.burst=2"
})
class InboundLimitApiTest extends RouterIntegrationTest {

  /**
   * Merchants' own settings, as the merchants' directory gives them: the "roomy" ones may send 1,000 a second. In
   * place of the directory's (primary), so that the test needs no operator to set them.
   */
  @TestConfiguration
  static class OwnLimits {
    @Bean
    @Primary
    MerchantLimits merchantLimits() {
      return merchantId -> merchantId.startsWith("m_roomy_")
          ? Optional.of(new InboundLimit(1000, 1000))
          : Optional.empty();
    }
  }

  @Test
  void aMerchantOverItsLimitGets429WithRetryAfterAndRateLimitFieldsWhileAnotherPasses() {
    String busy = newMerchant();
    String quiet = newMerchant();

    // Six requests at once against a burst of two refilled at one a second: some must be refused.
    List<EntityExchangeResult<byte[]>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(list(busy));
    }
    EntityExchangeResult<byte[]> first = answers.getFirst();
    EntityExchangeResult<byte[]> refused = answers.stream()
        .filter(answer -> answer.getStatus().value() == 429).findFirst().orElseThrow();
    EntityExchangeResult<byte[]> other = list(quiet);

    assertThat(first.getStatus().value()).isEqualTo(200);
    assertThat(first.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"merchant\";q=2;w=2");
    assertThat(first.getResponseHeaders().getFirst("RateLimit")).matches("\"merchant\";r=1;t=\\d+");

    HttpHeaders headers = refused.getResponseHeaders();
    long retryAfter = Long.parseLong(headers.getFirst(HttpHeaders.RETRY_AFTER));
    assertThat(retryAfter).isBetween(1L, 2L);
    assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"merchant\";q=2;w=2");
    assertThat(headers.getFirst("RateLimit")).isEqualTo("\"merchant\";r=0;t=" + retryAfter);
    assertThat(headers.getContentType()).hasToString("application/problem+json");
    assertThat(new String(refused.getResponseBody())).contains("\"code\":\"rate_limited\"").contains("\"status\":429");

    // The other merchant's bucket is its own.
    assertThat(other.getStatus().value()).isEqualTo(200);
    assertThat(other.getResponseHeaders().getFirst("RateLimit")).matches("\"merchant\";r=1;t=\\d+");
  }

  @Test
  void aMerchantsOwnLimitComesBeforeTheDefault() {
    String roomy = newMerchant("m_roomy_" + System.nanoTime());

    List<EntityExchangeResult<byte[]>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(list(roomy));
    }

    assertThat(answers).allSatisfy(answer -> {
      assertThat(answer.getStatus().value()).isEqualTo(200);
      assertThat(answer.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"merchant\";q=1000;w=1");
    });
  }

  @Test
  void aRequestWithoutAValidKeyIsLeftToTheControllers() {
    client.get().uri("/v1/payment-intents").exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().doesNotExist("RateLimit");
  }

  private EntityExchangeResult<byte[]> list(String apiKey) {
    return client.get().uri("/v1/payment-intents")
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
        .exchange()
        .expectBody().returnResult();
  }
}
