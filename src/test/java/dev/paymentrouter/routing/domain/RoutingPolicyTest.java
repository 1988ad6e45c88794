package dev.paymentrouter.routing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  static final RoutingRequest REQUEST = new RoutingRequest("pi_1", "m1", 1299, "EUR", "card", "DE", Map.of());
  static final RoutingPolicy POLICY = new RoutingPolicy(List.of("alpha", "beta", "gamma"), 3);

  @Test
  void ordersAvailableProvidersAsConfigured() {
    HealthSnapshot health = new HealthSnapshot(Map.of(
        "alpha", ProviderAvailability.AVAILABLE, "beta", ProviderAvailability.AVAILABLE,
        "gamma", ProviderAvailability.AVAILABLE));
    assertThat(POLICY.route(REQUEST, health).candidates()).containsExactly("alpha", "beta", "gamma");
    assertThat(POLICY.route(REQUEST, health).maxAttempts()).isEqualTo(3);
  }

  @Test
  void skipsUnavailableProvidersSoTheirTrafficFlowsToTheNext() {
    HealthSnapshot health = new HealthSnapshot(Map.of(
        "alpha", ProviderAvailability.UNAVAILABLE, "beta", ProviderAvailability.AVAILABLE,
        "gamma", ProviderAvailability.AVAILABLE));
    assertThat(POLICY.route(REQUEST, health).candidates()).containsExactly("beta", "gamma");
  }

  @Test
  void keepsProbingProvidersInPlaceSoTheyCanRecover() {
    HealthSnapshot health = new HealthSnapshot(Map.of(
        "alpha", ProviderAvailability.PROBING, "beta", ProviderAvailability.AVAILABLE,
        "gamma", ProviderAvailability.UNAVAILABLE));
    assertThat(POLICY.route(REQUEST, health).candidates()).containsExactly("alpha", "beta");
  }

  @Test
  void treatsProvidersMissingFromTheSnapshotAsUnavailable() {
    HealthSnapshot health = new HealthSnapshot(Map.of("beta", ProviderAvailability.AVAILABLE));
    assertThat(POLICY.route(REQUEST, health).candidates()).containsExactly("beta");
  }

  @Test
  void offersNoCandidateWhenEveryProviderIsUnavailable() {
    HealthSnapshot health = new HealthSnapshot(Map.of());
    assertThat(POLICY.route(REQUEST, health).candidates()).isEmpty();
  }
}
