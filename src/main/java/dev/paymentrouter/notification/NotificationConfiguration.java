package dev.paymentrouter.notification;

import dev.paymentrouter.intent.runtime.IntentLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

/** Wires the provider notification receivers. */
@Configuration(proxyBeanMethods = false)
class NotificationConfiguration {

  @Bean
  NotificationStore notificationStore(DatabaseClient db) {
    return new NotificationStore(db);
  }

  @Bean
  NotificationParser notificationParser(JsonMapper json) {
    return new NotificationParser(json);
  }

  @Bean
  NotificationInbox notificationInbox(NotificationStore store, IntentLifecycle lifecycle, Clock clock,
      MeterRegistry meters) {
    return new NotificationInbox(store, lifecycle, clock, meters);
  }

  /** The operator's count of notifications that named no intent of ours (up: they are a report, not a failure). */
  @Bean("providerNotifications")
  ReactiveHealthIndicator providerNotificationsHealthIndicator(NotificationStore store) {
    return () -> store.unknownIntents()
        .map(count -> Health.up().withDetails(Map.of("unknownIntent", count)).build());
  }
}
