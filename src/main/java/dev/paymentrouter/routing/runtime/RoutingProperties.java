package dev.paymentrouter.routing.runtime;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Routing configuration under {@code payment-router.routing}.
 *
 * @param order       providers in preference order; empty means the order they are declared in
 * @param maxAttempts attempts an intent may make across providers
 */
@ConfigurationProperties("payment-router.routing")
public record RoutingProperties(List<String> order, @DefaultValue("3") int maxAttempts) {

  public RoutingProperties {
    order = order == null ? List.of() : List.copyOf(order);
  }
}
