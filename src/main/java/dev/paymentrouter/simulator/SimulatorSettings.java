package dev.paymentrouter.simulator;

import java.net.URI;
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
 * @param notificationTarget where the stripe and adyen dialects post their webhook notifications; null sends none
 * @param notificationSecret the stripe endpoint secret ({@code whsec_...}) or the adyen hex HMAC key that signs them
 */
public record SimulatorSettings(String name, String host, int port, String apiKey, SimulatorBehaviour behaviour,
        SimulatorDialect dialect, String merchantAccount, URI notificationTarget, String notificationSecret) {

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
        notificationSecret = notificationSecret == null || notificationSecret.isBlank() ? null : notificationSecret;
        if (notificationTarget != null) {
            if (notificationSecret == null) {
                // An unsigned notification is one the router must refuse: sending it would only fill its logs.
                throw new IllegalArgumentException("a notification target needs a notification secret");
            }
            if (dialect == SimulatorDialect.ADYEN && !isHexKey(notificationSecret)) {
                throw new IllegalArgumentException("the adyen notification secret must be an HMAC key in hex");
            }
        }
    }

    /** Settings without notifications. */
    public SimulatorSettings(String name, String host, int port, String apiKey, SimulatorBehaviour behaviour,
            SimulatorDialect dialect, String merchantAccount) {
        this(name, host, port, apiKey, behaviour, dialect, merchantAccount, null, null);
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
                + ", merchantAccount=" + merchantAccount + ", notificationTarget=" + notificationTarget
                + ", notificationSecret=" + (notificationSecret == null ? "none" : "****") + "]";
    }

    public SimulatorSettings withPort(int value) {
        return new SimulatorSettings(name, host, value, apiKey, behaviour, dialect, merchantAccount, notificationTarget,
                notificationSecret);
    }

    public SimulatorSettings withApiKey(String value) {
        return new SimulatorSettings(name, host, port, value, behaviour, dialect, merchantAccount, notificationTarget,
                notificationSecret);
    }

    public SimulatorSettings withBehaviour(SimulatorBehaviour value) {
        return new SimulatorSettings(name, host, port, apiKey, value, dialect, merchantAccount, notificationTarget,
                notificationSecret);
    }

    public SimulatorSettings withDialect(SimulatorDialect value) {
        return new SimulatorSettings(name, host, port, apiKey, behaviour, value, merchantAccount, notificationTarget,
                notificationSecret);
    }

    public SimulatorSettings withMerchantAccount(String value) {
        return new SimulatorSettings(name, host, port, apiKey, behaviour, dialect, value, notificationTarget,
                notificationSecret);
    }

    /**
     * Posts the dialect's webhook notifications to {@code target}, signed with {@code secretOrHexKey} as the real
     * provider signs them (a null target turns them off).
     */
    public SimulatorSettings withNotifications(URI target, String secretOrHexKey) {
        return new SimulatorSettings(name, host, port, apiKey, behaviour, dialect, merchantAccount, target,
                secretOrHexKey);
    }

    // The same test as the router's AdyenHmac, kept here so the simulator needs nothing from the router.
    private static boolean isHexKey(String key) {
        return key.length() % 2 == 0 && key.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
