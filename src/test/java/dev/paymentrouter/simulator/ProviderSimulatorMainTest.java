package dev.paymentrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSimulatorMainTest {

    @Test
    void usesDefaultsForAnEmptyEnvironment() {
        SimulatorSettings settings = ProviderSimulatorMain.fromEnvironment(Map.of());

        assertThat(settings).isEqualTo(new SimulatorSettings("sim", "0.0.0.0", 9101, null,
                SimulatorBehaviour.reliable()));
    }

    @Test
    void readsEveryVariable() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("SIMULATOR_NAME", "psp-b"),
                Map.entry("SIMULATOR_HOST", "127.0.0.1"),
                Map.entry("SIMULATOR_PORT", "9202"),
                Map.entry("SIMULATOR_API_KEY", "sk_b"),
                Map.entry("SIMULATOR_LATENCY_MS", "40"),
                Map.entry("SIMULATOR_LATENCY_JITTER_MS", "10"),
                Map.entry("SIMULATOR_DECLINE_RATE", "0.1"),
                Map.entry("SIMULATOR_ERROR_RATE", "0.02"),
                Map.entry("SIMULATOR_UNAVAILABLE_RATE", "0.03"),
                Map.entry("SIMULATOR_HANG_RATE", "0.001"),
                Map.entry("SIMULATOR_LOST_RESPONSE_RATE", "0.005"),
                Map.entry("SIMULATOR_RATE_LIMIT_PER_SECOND", " 50 "),
                Map.entry("SIMULATOR_HANG_DURATION_MS", "5000"),
                Map.entry("SIMULATOR_SLOW_TOKEN_DELAY_MS", "1500"));

        SimulatorSettings settings = ProviderSimulatorMain.fromEnvironment(env);

        assertThat(settings).isEqualTo(new SimulatorSettings("psp-b", "127.0.0.1", 9202, "sk_b",
                new SimulatorBehaviour(40, 10, 0.1, 0.02, 0.03, 0.001, 0.005, 50, true,
                        Duration.ofSeconds(5), Duration.ofMillis(1500))));
    }

    @Test
    void treatsEmptyApiKeyAsNoAuthentication() {
        assertThat(ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_API_KEY", "")).apiKey()).isNull();
    }

    @Test
    void namesTheVariableOfAMalformedNumber() {
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_PORT", "91o1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_PORT")
                .hasMessageContaining("91o1");
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_LATENCY_MS", "1.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_LATENCY_MS");
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_DECLINE_RATE", "ten")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_DECLINE_RATE");
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_ERROR_RATE", "1.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_ERROR_RATE");
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_PORT");
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_LATENCY_MS", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latencyMs");
    }

    @Test
    void describesSeveralSimulatorsWithSharedAndOwnVariables() {
        Map<String, String> env = Map.of(
                "SIMULATOR_NAMES", "alpha, beta-eu",
                "SIMULATOR_PORT", "9301",
                "SIMULATOR_DECLINE_RATE", "0.2",
                "SIMULATOR_BETA_EU_DECLINE_RATE", "0.5",
                "SIMULATOR_BETA_EU_API_KEY", "sk_beta",
                "SIMULATOR_ALPHA_PORT", "9400");

        List<SimulatorSettings> all = ProviderSimulatorMain.allFromEnvironment(env);

        assertThat(all).extracting(SimulatorSettings::name).containsExactly("alpha", "beta-eu");
        assertThat(all).extracting(SimulatorSettings::port).containsExactly(9400, 9302);
        assertThat(all).extracting(settings -> settings.behaviour().declineRate()).containsExactly(0.2, 0.5);
        assertThat(all).extracting(SimulatorSettings::apiKey).containsExactly(null, "sk_beta");
        assertThat(all).extracting(SimulatorSettings::host).containsOnly("0.0.0.0");
    }

    @Test
    void namesTheOwnVariableOfAMalformedNumber() {
        Map<String, String> env = Map.of("SIMULATOR_NAMES", "alpha", "SIMULATOR_ALPHA_HANG_RATE", "x");

        assertThatThrownBy(() -> ProviderSimulatorMain.allFromEnvironment(env))
                .hasMessageContaining("SIMULATOR_ALPHA_HANG_RATE")
                .hasMessageContaining("alpha");
    }

    @Test
    void fallsBackToTheSingleSimulatorWithoutNames() {
        assertThat(ProviderSimulatorMain.allFromEnvironment(Map.of("SIMULATOR_NAME", "solo")))
                .singleElement()
                .extracting(SimulatorSettings::name)
                .isEqualTo("solo");
    }

    @Test
    void readsTheDialectAndMerchantAccountPerSimulator() {
        Map<String, String> env = Map.of(
                "SIMULATOR_NAMES", "alpha,beta,gamma",
                "SIMULATOR_ALPHA_DIALECT", "stripe",
                "SIMULATOR_BETA_DIALECT", "ADYEN",
                "SIMULATOR_BETA_MERCHANT_ACCOUNT", "RouterECOM");

        List<SimulatorSettings> all = ProviderSimulatorMain.allFromEnvironment(env);

        assertThat(all).extracting(SimulatorSettings::dialect)
                .containsExactly(SimulatorDialect.STRIPE, SimulatorDialect.ADYEN, SimulatorDialect.NATIVE);
        assertThat(all.get(1).merchantAccount()).isEqualTo("RouterECOM");
        assertThat(all.get(0).merchantAccount()).isNull();
    }

    @Test
    void namesTheVariableOfAnUnknownDialect() {
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_DIALECT", "paypal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_DIALECT")
                .hasMessageContaining("paypal");
    }

    @Test
    void keepsTheApiKeyOutOfTheSettingsText() {
        assertThat(ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_API_KEY", "sk_secret_1")).toString())
                .doesNotContain("sk_secret_1");
    }

    @Test
    void readsEachSimulatorsOwnWebhookTargetAndSecret() {
        Map<String, String> env = Map.of(
                "SIMULATOR_NAMES", "alpha,beta",
                "SIMULATOR_ALPHA_DIALECT", "stripe",
                "SIMULATOR_ALPHA_WEBHOOK_URL", "http://router:8080/webhooks/stripe/alpha",
                "SIMULATOR_ALPHA_WEBHOOK_SECRET", "whsec_alpha",
                "SIMULATOR_BETA_DIALECT", "adyen",
                "SIMULATOR_BETA_WEBHOOK_URL", "http://router:8080/webhooks/adyen/beta",
                "SIMULATOR_BETA_WEBHOOK_SECRET", "00FF");

        List<SimulatorSettings> all = ProviderSimulatorMain.allFromEnvironment(env);

        assertThat(all).extracting(SimulatorSettings::notificationTarget, SimulatorSettings::notificationSecret)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(URI.create("http://router:8080/webhooks/stripe/alpha"),
                                "whsec_alpha"),
                        org.assertj.core.groups.Tuple.tuple(URI.create("http://router:8080/webhooks/adyen/beta"),
                                "00FF"));
        assertThat(all.getFirst().toString()).doesNotContain("whsec_alpha");
    }

    @Test
    void refusesAWebhookTargetWithoutASecretOrAnAdyenKeyThatIsNotHex() {
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of(
                "SIMULATOR_DIALECT", "stripe", "SIMULATOR_WEBHOOK_URL", "http://router:8080/webhooks/stripe/sim")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIMULATOR_WEBHOOK_SECRET");
        assertThatThrownBy(() -> ProviderSimulatorMain.fromEnvironment(Map.of("SIMULATOR_DIALECT", "adyen",
                "SIMULATOR_WEBHOOK_URL", "http://router:8080/webhooks/adyen/sim", "SIMULATOR_WEBHOOK_SECRET",
                "not-hex")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hex")
                .hasMessageNotContaining("not-hex");
    }
}
