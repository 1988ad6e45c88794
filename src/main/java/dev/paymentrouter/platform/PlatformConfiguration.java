package dev.paymentrouter.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/** Beans every module shares. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

  /** How late the HTTP event loops run: the API sheds new payments while they lag (see {@link EventLoopLag}). */
  @Bean
  EventLoopLag eventLoopLag(ObjectProvider<ReactorResourceFactory> resources, MeterRegistry meters) {
    EventLoopLag lag = new EventLoopLag(() -> {
      ReactorResourceFactory factory = resources.getIfAvailable();
      return factory == null || factory.getLoopResources() == null
          ? null
          : factory.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE);
    }, Duration.ofMillis(20));
    Gauge.builder("payment_router.event_loop.lag", lag, watched -> watched.current().toNanos() / 1e9)
        .baseUnit("seconds")
        .description("how late the HTTP event loops run a task scheduled on them (the smallest lag of any loop)")
        .register(meters);
    return lag;
  }

  /**
   * UTC, ticking in microseconds: PostgreSQL keeps microseconds, so an intent read back equals the one that
   * was written.
   */
  @Bean
  Clock clock() {
    return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
  }
}
