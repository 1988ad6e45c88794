package dev.paymentrouter.simulator;

import java.util.Objects;

/**
 * Identity, address and behaviour of one simulated provider.
 *
 * @param name      label used in logs and in {@link ProviderSimulator#name()}
 * @param host      interface to bind, {@code 127.0.0.1} for tests, {@code 0.0.0.0} in containers
 * @param port      port to bind, 0 for a random free port
 * @param apiKey    bearer key the simulator demands on {@code /v1}; null or blank means no authentication
 * @param behaviour initial behaviour, changeable later
 */
public record SimulatorSettings(String name, String host, int port, String apiKey, SimulatorBehaviour behaviour) {

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
        Objects.requireNonNull(behaviour, "behaviour");
    }

    /** A reliable simulator on 127.0.0.1, a random port, without authentication. */
    public static SimulatorSettings local(String name) {
        return new SimulatorSettings(name, "127.0.0.1", 0, null, SimulatorBehaviour.reliable());
    }

    public SimulatorSettings withPort(int value) {
        return new SimulatorSettings(name, host, value, apiKey, behaviour);
    }

    public SimulatorSettings withApiKey(String value) {
        return new SimulatorSettings(name, host, port, value, behaviour);
    }

    public SimulatorSettings withBehaviour(SimulatorBehaviour value) {
        return new SimulatorSettings(name, host, port, apiKey, value);
    }
}
