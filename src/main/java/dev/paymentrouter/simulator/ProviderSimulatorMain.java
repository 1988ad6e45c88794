package dev.paymentrouter.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs provider simulators as a standalone process (docker-compose, manual testing), configured from the
 * environment.
 *
 * <p>One simulator:
 * <ul>
 *   <li>{@code SIMULATOR_NAME} label, default {@code sim}</li>
 *   <li>{@code SIMULATOR_HOST} bind address, default {@code 0.0.0.0}</li>
 *   <li>{@code SIMULATOR_PORT} port, default {@code 9101}</li>
 *   <li>{@code SIMULATOR_DIALECT} wire format, {@code native} (default), {@code stripe} or {@code adyen}</li>
 *   <li>{@code SIMULATOR_API_KEY} key demanded by the provider API (bearer native and stripe, {@code X-API-Key}
 *       adyen), unset or empty for no authentication</li>
 *   <li>{@code SIMULATOR_MERCHANT_ACCOUNT} the adyen merchant account payments must name, unset for any</li>
 *   <li>{@code SIMULATOR_LATENCY_MS}, {@code SIMULATOR_LATENCY_JITTER_MS} delays in milliseconds, default 0</li>
 *   <li>{@code SIMULATOR_DECLINE_RATE}, {@code SIMULATOR_ERROR_RATE}, {@code SIMULATOR_UNAVAILABLE_RATE},
 *       {@code SIMULATOR_HANG_RATE}, {@code SIMULATOR_LOST_RESPONSE_RATE} probabilities in 0..1, default 0</li>
 *   <li>{@code SIMULATOR_RATE_LIMIT_PER_SECOND} requests per second, default 0 (unlimited)</li>
 *   <li>{@code SIMULATOR_HANG_DURATION_MS} default 60000, {@code SIMULATOR_SLOW_TOKEN_DELAY_MS} default 3000</li>
 *   <li>{@code SIMULATOR_WEBHOOK_URL} where the stripe and adyen dialects post their webhook notifications (e.g. the
 *       router's {@code /webhooks/stripe/<provider>}), unset for none; {@code SIMULATOR_WEBHOOK_SECRET} the stripe
 *       endpoint secret or the adyen HMAC key (hex) that signs them, required with a URL</li>
 * </ul>
 *
 * <p>Several simulators in one process: {@code SIMULATOR_NAMES=alpha,beta}. Simulator number {@code i}
 * (from 0) listens on {@code SIMULATOR_PORT + i} and reads every variable above first as
 * {@code SIMULATOR_<NAME>_<SUFFIX>} (name upper-cased, other characters than letters and digits turned into
 * {@code _}, e.g. {@code SIMULATOR_ALPHA_DECLINE_RATE}), then as the shared {@code SIMULATOR_<SUFFIX>}.
 *
 * <p>Prints {@code Provider simulator <name> listening on <host>:<port> (<dialect>)} per simulator and runs until the
 * process is terminated; a shutdown hook closes the servers.
 */
public final class ProviderSimulatorMain {

    private static final String PREFIX = "SIMULATOR_";
    private static final String DEFAULT_NAME = "sim";
    private static final String DEFAULT_HOST = "0.0.0.0";
    private static final int DEFAULT_PORT = 9101;

    private ProviderSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        quietLibraryLogging();
        List<SimulatorSettings> allSettings;
        try {
            allSettings = allFromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Provider simulator: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<ProviderSimulator> simulators = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (simulators) {
                simulators.forEach(ProviderSimulator::close);
            }
            stopped.countDown();
        }, "provider-simulator-shutdown"));
        for (SimulatorSettings settings : allSettings) {
            ProviderSimulator simulator = ProviderSimulator.start(settings);
            synchronized (simulators) {
                simulators.add(simulator);
            }
            System.out.println("Provider simulator " + simulator.name() + " listening on " + settings.host() + ":"
                    + simulator.port() + " (" + settings.dialect().wireName() + ")");
        }
        // Netty's event loop threads are daemons: without this wait the JVM would exit right away.
        stopped.await();
    }

    /** Settings of the single simulator described by the {@code SIMULATOR_*} variables. */
    public static SimulatorSettings fromEnvironment(Map<String, String> env) {
        Variables variables = new Variables(env, null);
        return settings(variables.text("NAME", DEFAULT_NAME), variables, DEFAULT_PORT);
    }

    /**
     * Settings of every simulator: those named in {@code SIMULATOR_NAMES}, or the single one of
     * {@link #fromEnvironment(Map)} when that variable is unset.
     */
    public static List<SimulatorSettings> allFromEnvironment(Map<String, String> env) {
        String names = env.get(PREFIX + "NAMES");
        if (names == null || names.isBlank()) {
            return List.of(fromEnvironment(env));
        }
        List<String> parsedNames = Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty())
                .toList();
        if (parsedNames.size() != parsedNames.stream().distinct().count()) {
            throw new IllegalArgumentException(PREFIX + "NAMES must not repeat a name, was '" + names + "'");
        }
        int basePort = new Variables(env, null).integer("PORT", DEFAULT_PORT);
        List<SimulatorSettings> all = new ArrayList<>();
        for (int i = 0; i < parsedNames.size(); i++) {
            String name = parsedNames.get(i);
            String own = PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
            all.add(settings(name, new Variables(env, own), basePort + i));
        }
        return List.copyOf(all);
    }

    private static SimulatorSettings settings(String name, Variables env, int defaultPort) {
        SimulatorBehaviour defaults = SimulatorBehaviour.reliable();
        try {
            SimulatorBehaviour behaviour = new SimulatorBehaviour(
                    env.longNumber("LATENCY_MS", 0),
                    env.longNumber("LATENCY_JITTER_MS", 0),
                    env.rate("DECLINE_RATE"),
                    env.rate("ERROR_RATE"),
                    env.rate("UNAVAILABLE_RATE"),
                    env.rate("HANG_RATE"),
                    env.rate("LOST_RESPONSE_RATE"),
                    env.integer("RATE_LIMIT_PER_SECOND", 0),
                    true,
                    Duration.ofMillis(env.longNumber("HANG_DURATION_MS", defaults.hangDuration().toMillis())),
                    Duration.ofMillis(env.longNumber("SLOW_TOKEN_DELAY_MS", defaults.slowTokenDelay().toMillis())));
            return new SimulatorSettings(name, env.text("HOST", DEFAULT_HOST), env.port(defaultPort),
                    env.value("API_KEY"), behaviour, dialect(env), env.value("MERCHANT_ACCOUNT"))
                    .withNotifications(webhookUrl(env), env.value("WEBHOOK_SECRET"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("simulator " + name + ": " + e.getMessage(), e);
        }
    }

    private static URI webhookUrl(Variables env) {
        String value = env.value("WEBHOOK_URL");
        if (value == null) {
            return null;
        }
        if (env.value("WEBHOOK_SECRET") == null) {
            // Unsigned notifications are ones the router must refuse: say so at start, not in its logs.
            throw new IllegalArgumentException(env.nameOf("WEBHOOK_SECRET") + " must be set with "
                    + env.nameOf("WEBHOOK_URL"));
        }
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            // The value itself is left out: a URL may carry credentials.
            throw new IllegalArgumentException(env.nameOf("WEBHOOK_URL") + " must be an http(s) URL with a host");
        }
    }

    private static SimulatorDialect dialect(Variables env) {
        String value = env.value("DIALECT");
        try {
            return value == null ? SimulatorDialect.NATIVE : SimulatorDialect.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(env.nameOf("DIALECT") + " " + e.getMessage());
        }
    }

    /**
     * The variables of one simulator: its own {@code SIMULATOR_<NAME>_*} ones when it is one of several,
     * falling back to the shared {@code SIMULATOR_*} ones.
     */
    private record Variables(Map<String, String> env, String ownPrefix) {

        /** The variable that supplies this suffix, for values and for error messages. */
        String nameOf(String suffix) {
            return ownPrefix != null && env.containsKey(ownPrefix + suffix) ? ownPrefix + suffix : PREFIX + suffix;
        }

        String value(String suffix) {
            String value = env.get(nameOf(suffix));
            return value == null || value.isBlank() ? null : value.trim();
        }

        String text(String suffix, String fallback) {
            String value = value(suffix);
            return value == null ? fallback : value;
        }

        int port(int fallback) {
            // With several simulators the shared SIMULATOR_PORT is the base of a range, not a port to share.
            if (ownPrefix != null && !env.containsKey(ownPrefix + "PORT")) {
                return fallback;
            }
            int port = integer("PORT", fallback);
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(nameOf("PORT") + " must be between 0 and 65535, was " + port);
            }
            return port;
        }

        int integer(String suffix, int fallback) {
            String value = value(suffix);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(nameOf(suffix) + " must be an integer, was '" + value + "'");
            }
        }

        long longNumber(String suffix, long fallback) {
            String value = value(suffix);
            if (value == null) {
                return fallback;
            }
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(nameOf(suffix) + " must be a whole number of milliseconds, was '"
                        + value + "'");
            }
        }

        double rate(String suffix) {
            String value = value(suffix);
            if (value == null) {
                return 0.0;
            }
            double rate;
            try {
                rate = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                rate = Double.NaN;
            }
            // The negated form also rejects NaN, which every comparison answers false to.
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException(nameOf(suffix) + " must be a number between 0 and 1, was '"
                        + value + "'");
            }
            return rate;
        }
    }

    /**
     * Standalone, the SLF4J binding on the classpath has no configuration and would log Netty at DEBUG;
     * the JDK's logging defaults to INFO.
     */
    private static void quietLibraryLogging() {
        reactor.util.Loggers.useJdkLoggers();
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    }
}
