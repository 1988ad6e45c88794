package dev.paymentrouter.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class MailboxTest {

  @Test
  void handlesOneMessageAtATimeEvenWhenHandlersCompleteLater() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<Integer> handled = new CopyOnWriteArrayList<>();
    Mailbox<Integer> mailbox = new Mailbox<>(1_000, message -> Mono.defer(() -> {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      return Mono.delay(Duration.ofMillis(1)).then(Mono.fromRunnable(() -> {
        handled.add(message);
        running.decrementAndGet();
      }));
    }), error -> { });

    for (int i = 0; i < 200; i++) {
      assertThat(mailbox.offer(i)).isTrue();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 200);
    assertThat(maxRunning.get()).isEqualTo(1);
    assertThat(handled).isSorted();
    assertThat(mailbox.size()).isZero();
  }

  @Test
  void refusesMessagesBeyondItsCapacityWithoutBlockingTheSender() {
    Sinks.Empty<Void> gate = Sinks.empty();
    Mailbox<Integer> mailbox = new Mailbox<>(3, message -> gate.asMono(), error -> { });

    assertThat(mailbox.offer(1)).isTrue(); // being handled, still counted
    assertThat(mailbox.offer(2)).isTrue();
    assertThat(mailbox.offer(3)).isTrue();
    assertThat(mailbox.offer(4)).isFalse();
    assertThat(mailbox.size()).isEqualTo(3);

    gate.tryEmitEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> mailbox.size() == 0);
    assertThat(mailbox.offer(5)).isTrue();
  }

  @Test
  void goesOnWithTheNextMessageAfterAHandlerFails() {
    List<Integer> handled = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Mailbox<Integer> mailbox = new Mailbox<>(10, message -> {
      if (message == 1) {
        throw new IllegalStateException("poison");
      }
      if (message == 2) {
        return Mono.error(new IllegalArgumentException("poison too"));
      }
      handled.add(message);
      return Mono.empty();
    }, errors::add);

    mailbox.offer(1);
    mailbox.offer(2);
    mailbox.offer(3);

    assertThat(handled).containsExactly(3);
    assertThat(errors).hasSize(2);
  }

  @Test
  void keepsMessagesInOrderPerSenderUnderConcurrentSenders() throws Exception {
    int senders = 4;
    int perSender = 500;
    List<String> handled = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Mailbox<String> mailbox = new Mailbox<>(senders * perSender, message -> {
      if (running.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      handled.add(message);
      running.decrementAndGet();
      return Mono.empty();
    }, error -> { });
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    CountDownLatch start = new CountDownLatch(1);
    for (int s = 0; s < senders; s++) {
      int sender = s;
      pool.submit(() -> {
        start.await();
        for (int i = 0; i < perSender; i++) {
          mailbox.offer(sender + ":" + i);
        }
        return null;
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == senders * perSender);
    assertThat(overlaps.get()).isZero();
    for (int s = 0; s < senders; s++) {
      String prefix = s + ":";
      List<Integer> order = handled.stream().filter(m -> m.startsWith(prefix))
          .map(m -> Integer.parseInt(m.substring(prefix.length()))).toList();
      assertThat(order).isSorted().hasSize(perSender);
    }
  }
}
