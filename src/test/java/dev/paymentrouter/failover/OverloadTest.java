package dev.paymentrouter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.intent.runtime.IntentRegistry;
import dev.paymentrouter.simulator.SimulatorBehaviour;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/** More intents than the node may hold at once: the excess is refused at once with 503, and nothing is lost. */
@TestPropertySource(properties = {
    "payment-router.intents.max-active=4",
    // One merchant sends everything here: the node's limit is the one under test, not the merchant's share.
    "payment-router.intents.merchant-share=1"
})
class OverloadTest extends RouterIntegrationTest {

  @Autowired
  IntentRegistry registry;

  @Test
  void excessIntentsAreRefusedFastWithRetryAfterAndAdmittedOnesAllFinish() throws Exception {
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable().withLatencyMs(1_500));
    String key = newMerchant();
    IntentClient intents = new IntentClient(client, key);
    int requests = 12;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<EntityExchangeResult<byte[]>>> futures = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      int amount = 2_000 + i;
      futures.add(pool.submit(() -> {
        start.await();
        return intents.create(IntentClient.body(amount, "tok_visa"), "overload-" + amount + "-" + System.nanoTime(),
            "wait=0").expectBody().returnResult();
      }));
    }
    start.countDown();
    List<EntityExchangeResult<byte[]>> results = new ArrayList<>();
    for (Future<EntityExchangeResult<byte[]>> future : futures) {
      results.add(future.get());
    }
    pool.shutdown();

    List<EntityExchangeResult<byte[]>> accepted = results.stream().filter(r -> r.getStatus().value() == 201).toList();
    List<EntityExchangeResult<byte[]>> refused = results.stream().filter(r -> r.getStatus().value() == 503).toList();
    assertThat(accepted.size() + refused.size()).isEqualTo(requests);
    assertThat(accepted).hasSize(4);
    // The refusals came while the admitted intents were still waiting for alpha: they did not queue behind them.
    assertThat(registry.active()).isEqualTo(4);
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
      assertThat(r.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
      assertThat(IntentClient.read(r.getResponseBody()).get("code").stringValue()).isEqualTo("overloaded");
    });

    // Nothing refused was stored; everything admitted reaches its final state.
    assertThat(countIntentsOf(key)).isEqualTo(4);
    for (EntityExchangeResult<byte[]> result : accepted) {
      String id = IntentClient.read(result.getResponseBody()).get("id").stringValue();
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(intents.get(id).get("status").stringValue()).isEqualTo("succeeded"));
    }

    // Capacity is back once they are done.
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.active() == 0);
    TestEnvironment.simulator("alpha").update(SimulatorBehaviour.reliable());
    JsonNode after = intents.created(IntentClient.body(3_000, "tok_visa"));
    assertThat(after.get("status").stringValue()).isEqualTo("succeeded");
  }
}
