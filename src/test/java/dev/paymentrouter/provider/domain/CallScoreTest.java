package dev.paymentrouter.provider.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CallScoreTest {

  static Stream<Arguments> scoresEveryKindOfOutcome() {
    return Stream.of(
        Arguments.of(new ProviderOutcome.Approved("ch_1"), CallScore.SUCCESS),
        // The provider could not serve: its fault, so its rate drops.
        Arguments.of(new ProviderOutcome.Unknown("timeout"), CallScore.FAILURE),
        Arguments.of(new ProviderOutcome.Unknown("provider_status_500"), CallScore.FAILURE),
        Arguments.of(new ProviderOutcome.NotSent("connection_refused"), CallScore.FAILURE),
        Arguments.of(new ProviderOutcome.NotSent("provider_rate_limited"), CallScore.FAILURE),
        Arguments.of(new ProviderOutcome.NotSent("provider_unavailable"), CallScore.FAILURE),
        Arguments.of(new ProviderOutcome.Declined("issuer_unavailable", true), CallScore.FAILURE),
        // The card's fault: says nothing about the provider.
        Arguments.of(new ProviderOutcome.Declined("insufficient_funds", false), CallScore.NOT_COUNTED),
        // The router's own refusals: the provider was never asked.
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.RATE_LIMITED), CallScore.NOT_COUNTED),
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.CIRCUIT_OPEN), CallScore.NOT_COUNTED),
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.POOL_FULL), CallScore.NOT_COUNTED),
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.QUEUE_TIMEOUT), CallScore.NOT_COUNTED),
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_RESTARTING), CallScore.NOT_COUNTED),
        Arguments.of(new ProviderOutcome.RouterRefused(RouterRefusal.PROVIDER_DOWN), CallScore.NOT_COUNTED));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void scoresEveryKindOfOutcome(ProviderOutcome outcome, CallScore score) {
    assertThat(CallScore.of(outcome)).isEqualTo(score);
  }
}
