package dev.paymentrouter.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** Beans every module shares. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

  /** The merchant API's own acceptor and event loops (see {@link ServerLoops}). */
  @Bean
  ServerLoops serverLoops() {
    return new ServerLoops();
  }

  /**
   * Spring Boot runs its web servers on this factory's loops (it calls {@code runOn} after every customizer): here
   * the {@link ServerLoops}, which it does not own. Clients keep Reactor Netty's global loops (provider connections
   * their own pools, and their own loops where configured).
   */
  @Bean
  ReactorResourceFactory reactorResourceFactory(ServerLoops loops) {
    ReactorResourceFactory factory = new ReactorResourceFactory();
    factory.setUseGlobalResources(false);
    factory.setLoopResources(loops.resources());
    return factory;
  }

  /** How late the API's event loops run: the API sheds new payments while they lag (see {@link EventLoopLag}). */
  @Bean
  EventLoopLag eventLoopLag(ServerLoops loops, MeterRegistry meters) {
    EventLoopLag lag = new EventLoopLag(loops::workers, Duration.ofMillis(20));
    Gauge.builder("payment_router.event_loop.lag", lag, watched -> watched.current().toNanos() / 1e9)
        .baseUnit("seconds")
        .description("how late the API's event loops run a task scheduled on them (the least late loop)")
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
