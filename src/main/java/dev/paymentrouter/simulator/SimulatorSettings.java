package dev.paymentrouter.simulator;

import java.util.Objects;

/**
 * Identity, address, wire format and behaviour of one simulated provider.
 *
 * @param name            label used in logs and in {@link ProviderSimulator#name()}
 * @param host            interface to bind, {@code 127.0.0.1} for tests, {@code 0.0.0.0} in containers
 * @param port            port to bind, 0 for a random free port
 * @param apiKey          key the simulator demands on its provider API (a bearer key native and stripe, the
 *                        {@code X-API-Key} adyen); null or blank means no authentication
 * @param behaviour       initial behaviour, changeable later
 * @param dialect         the wire format, fixed for the simulator's life
 * @param merchantAccount the adyen merchant account a payment must name; null or blank accepts any
 */
public record SimulatorSettings(String name, String host, int port, String apiKey, SimulatorBehaviour behaviour,
        SimulatorDialect dialect, String merchantAccount) {

    public SimulatorSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        // An empty environment variable must mean "no auth", not "the key is the empty string".
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        merchantAccount = merchantAccount == null || merchantAccount.isBlank() ? null : merchantAccount;
        Objects.requireNonNull(behaviour, "behaviour");
        Objects.requireNonNull(dialect, "dialect");
    }

    /** A native simulator without a merchant account. */
    public SimulatorSettings(String name, String host, int port, String apiKey, SimulatorBehaviour behaviour) {
        this(name, host, port, apiKey, behaviour, SimulatorDialect.NATIVE, null);
    }

    /** A reliable native simulator on 127.0.0.1, a random port, without authentication. */
    public static SimulatorSettings local(String name) {
        return new SimulatorSettings(name, "127.0.0.1", 0, null, SimulatorBehaviour.reliable());
    }

    /** Names the key's presence only: credentials never reach a log line. */
    @Override
    public String toString() {
        return "SimulatorSettings[name=" + name + ", host=" + host + ", port=" + port + ", apiKey="
                + (apiKey == null ? "none" : "****") + ", behaviour=" + behaviour + ", dialect=" + dialect.wireName()
                + ", merchantAccount=" + merchantAccount + "]";
    }

    public SimulatorSettings withPort(int value) {
        return new SimulatorSettings(name, host, value, apiKey, behaviour, dialect, merchantAccount);
    }

    public SimulatorSettings withApiKey(String value) {
        return new SimulatorSettings(name, host, port, value, behaviour, dialect, merchantAccount);
    }

    public SimulatorSettings withBehaviour(SimulatorBehaviour value) {
        return new SimulatorSettings(name, host, port, apiKey, value, dialect, merchantAccount);
    }

    public SimulatorSettings withDialect(SimulatorDialect value) {
        return new SimulatorSettings(name, host, port, apiKey, behaviour, value, merchantAccount);
    }

    public SimulatorSettings withMerchantAccount(String value) {
        return new SimulatorSettings(name, host, port, apiKey, behaviour, dialect, value);
    }
}
