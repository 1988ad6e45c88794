package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.platform.EventLoopLag;
import dev.paymentrouter.testsupport.BusyLoop;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import io.netty.channel.DefaultEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * When the node's event loops run late (its CPU cannot keep up), new payments are refused at once with 503 and
 * {@code Retry-After}, and nothing is stored; when they catch up, payments are taken again. The lag is made here by
 * keeping a watched loop busy, which is what a saturated CPU does to every loop.
 */
@DirtiesContext
class LoadSheddingTest extends RouterIntegrationTest {

  static final DefaultEventLoopGroup WATCHED = new DefaultEventLoopGroup(1);

  @TestConfiguration
  static class LaggingLoops {
    @Bean
    @Primary
    EventLoopLag laggingEventLoops() {
      return new EventLoopLag(() -> WATCHED, Duration.ofMillis(10));
    }
  }

  @Autowired
  EventLoopLag lag;

  @Test
  void newPaymentsAreRefusedWhileTheLoopsLagAndTakenAgainOnceTheyCatchUp() throws Exception {
    String key = newMerchant();
    IntentClient intents = new IntentClient(client, key);
    String first = intents.created(IntentClient.body(1_000, "tok_visa")).get("id").stringValue();

    AtomicBoolean release = BusyLoop.occupy(WATCHED, Duration.ofSeconds(20));
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> lag.current().compareTo(Duration.ofMillis(400)) > 0);

    long stored = countIntentsOf(key);
    EntityExchangeResult<byte[]> refused = intents.create(IntentClient.body(2_000, "tok_visa"), "shed-1", "wait=0")
        .expectBody().returnResult();
    assertThat(refused.getStatus().value()).isEqualTo(503);
    assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    assertThat(refused.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(IntentClient.read(refused.getResponseBody()).get("code").stringValue()).isEqualTo("overloaded");
    assertThat(countIntentsOf(key)).isEqualTo(stored);
    // Reads are how a merchant learns what became of its writes: they are answered while writes are refused.
    assertThat(intents.get(first).get("status").stringValue()).isEqualTo("succeeded");

    release.set(true);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> lag.current().compareTo(Duration.ofMillis(50)) < 0);
    // The same key again: the refusal stored nothing, so this is a new payment, not a replay.
    EntityExchangeResult<byte[]> taken = intents.create(IntentClient.body(2_000, "tok_visa"), "shed-1", "wait=5")
        .expectBody().returnResult();
    assertThat(taken.getStatus().value()).isEqualTo(201);
    assertThat(IntentClient.read(taken.getResponseBody()).get("status").stringValue()).isEqualTo("succeeded");
    assertThat(countIntentsOf(key)).isEqualTo(stored + 1);
  }
}
