package dev.paymentrouter.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paymentrouter.testsupport.BusyLoop;
import io.netty.channel.DefaultEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lag of loops that are kept busy shows while they are busy, and goes away when they are free again; one busy
 * loop among free ones is not a lack of CPU.
 */
class EventLoopLagTest {

  final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);
  final DefaultEventLoopGroup single = new DefaultEventLoopGroup(1);

  @AfterEach
  void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    single.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void aBusyLoopShowsAsLagUntilItIsFreeAgain() {
    EventLoopLag lag = new EventLoopLag(() -> single, Duration.ofMillis(10));
    lag.start();
    await().atMost(Duration.ofSeconds(2)).until(() -> lag.current().compareTo(Duration.ofMillis(50)) < 0);

    AtomicBoolean release = BusyLoop.occupy(single, Duration.ofSeconds(5));
    // While one loop cannot run its tasks, its probe is overdue: the lag grows with the wait.
    await().atMost(Duration.ofSeconds(2)).until(() -> lag.current().compareTo(Duration.ofMillis(200)) > 0);

    release.set(true);
    await().atMost(Duration.ofSeconds(2)).until(() -> lag.current().compareTo(Duration.ofMillis(50)) < 0);
    lag.stop();
    assertThat(lag.current()).isZero();
  }

  @Test
  void oneBusyLoopAmongFreeOnesIsNoLag() throws Exception {
    EventLoopLag lag = new EventLoopLag(() -> loops, Duration.ofMillis(10));
    lag.start();
    AtomicBoolean release = BusyLoop.occupy(loops.next(), Duration.ofSeconds(5));
    Thread.sleep(300);
    assertThat(lag.current()).isLessThan(Duration.ofMillis(100));
    release.set(true);
    lag.stop();
  }

  @Test
  void withoutLoopsThereIsNoLag() {
    EventLoopLag lag = new EventLoopLag(() -> null, Duration.ofMillis(10));
    lag.start();
    assertThat(lag.isRunning()).isFalse();
    assertThat(lag.current()).isZero();
  }
}
