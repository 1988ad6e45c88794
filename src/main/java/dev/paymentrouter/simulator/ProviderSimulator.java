package dev.paymentrouter.simulator;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake payment service provider on a real HTTP port, with magic tokens, injected faults and a ledger.
 *
 * <p>Charge processing order: availability, authentication, rate limit, request validation, idempotency
 * replay, latency, outcome. Once a charge request has passed validation it runs to completion even if the
 * client disconnects, as a real provider would: a router that timed out may still have charged.
 *
 * <p>{@link #start}, {@link #close} and {@link #restart} wait for the socket to be bound or released, so
 * call them from a test or main thread, not from an event loop.
 */
public final class ProviderSimulator implements AutoCloseable {

    private static final Logger LOG = Loggers.getLogger(ProviderSimulator.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String APPLICATION_JSON = "application/json";
    private static final String CHARGES_PATH = "/v1/charges";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    private static final Duration LIFECYCLE_TIMEOUT = Duration.ofSeconds(10);
    private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    /** What happens to a charge once its latency has elapsed. */
    enum Kind { APPROVE, DECLINE, UNAVAILABLE, ERROR, RATE_LIMITED, HANG, LOST_RESPONSE }

    record Outcome(Kind kind, String declineCode) {
        static final Outcome APPROVED = new Outcome(Kind.APPROVE, null);

        static Outcome declined(String code) {
            return new Outcome(Kind.DECLINE, code);
        }

        static Outcome of(Kind kind) {
            return new Outcome(kind, null);
        }
    }

    private static final String SLOW_TOKEN = "tok_slow";

    // Tokens that pin the outcome, so router tests need no luck and no seed.
    private static final Map<String, Outcome> MAGIC_TOKENS = Map.ofEntries(
            Map.entry("tok_visa", Outcome.APPROVED),
            Map.entry("tok_mastercard", Outcome.APPROVED),
            Map.entry("tok_approve", Outcome.APPROVED),
            Map.entry(SLOW_TOKEN, Outcome.APPROVED),
            Map.entry("tok_decline", Outcome.declined("insufficient_funds")),
            Map.entry("tok_insufficient_funds", Outcome.declined("insufficient_funds")),
            Map.entry("tok_card_declined", Outcome.declined("card_declined")),
            Map.entry("tok_expired_card", Outcome.declined("expired_card")),
            Map.entry("tok_issuer_unavailable", Outcome.declined("issuer_unavailable")),
            Map.entry("tok_processing_error", Outcome.declined("processing_error")),
            Map.entry("tok_unavailable", Outcome.of(Kind.UNAVAILABLE)),
            Map.entry("tok_error", Outcome.of(Kind.ERROR)),
            Map.entry("tok_rate_limited", Outcome.of(Kind.RATE_LIMITED)),
            Map.entry("tok_hang", Outcome.of(Kind.HANG)),
            Map.entry("tok_lost_response", Outcome.of(Kind.LOST_RESPONSE)));

    /** The outcome of one charge request, with the ledger entry when a charge was recorded. */
    private record Decision(Outcome outcome, SimulatorLedger.Entry entry, Duration hangDuration) {
    }

    private final SimulatorSettings settings;
    private final Clock clock;
    // Most RandomGenerator implementations are not thread-safe; every draw synchronises on it.
    private final RandomGenerator random;
    private final SimulatorLedger ledger = new SimulatorLedger();
    private final Counters counters = new Counters();
    // Idempotency keys whose first request is still between validation and outcome.
    private final Map<String, Object> inFlight = new ConcurrentHashMap<>();
    private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
    private final Object lifecycleLock = new Object();
    private final Object behaviourLock = new Object();

    private volatile SimulatorBehaviour behaviour;
    private volatile Bucket bucket;
    private volatile int port;
    private DisposableServer server;
    private LoopResources loops;

    private ProviderSimulator(SimulatorSettings settings, Clock clock, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.behaviour = settings.behaviour();
        this.bucket = newBucket(settings.behaviour().rateLimitPerSecond());
        this.port = settings.port();
    }

    /** Starts a simulator on the system clock with an unseeded random generator. */
    public static ProviderSimulator start(SimulatorSettings settings) {
        return start(settings, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /** Starts a simulator whose timestamps, rate-limit refill and random outcomes come from the given sources. */
    public static ProviderSimulator start(SimulatorSettings settings, Clock clock, RandomGenerator random) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        ProviderSimulator simulator = new ProviderSimulator(settings, clock, random);
        synchronized (simulator.lifecycleLock) {
            simulator.bind();
        }
        return simulator;
    }

    /** The bound port; still the last one after {@link #close()}. */
    public int port() {
        return port;
    }

    /** {@code http://host:port}, with a wildcard bind address replaced by the loopback one. */
    public String baseUrl() {
        String host = settings.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    public String name() {
        return settings.name();
    }

    public SimulatorLedger ledger() {
        return ledger;
    }

    public SimulatorBehaviour behaviour() {
        return behaviour;
    }

    /** Counters since start or the last {@link #reset()}. */
    public SimulatorStats stats() {
        return counters.snapshot();
    }

    /** Charge requests past validation whose outcome is not decided yet; lets tests wait for that state. */
    int inFlightCount() {
        return inFlight.size();
    }

    /** Clears the ledger and the counters, like {@code POST /_sim/reset}. */
    public void reset() {
        ledger.reset();
        counters.reset();
    }

    /** Replaces the behaviour for requests that arrive from now on; a new rate limit starts with a full bucket. */
    public void update(SimulatorBehaviour next) {
        Objects.requireNonNull(next, "behaviour");
        synchronized (behaviourLock) {
            SimulatorBehaviour previous = behaviour;
            if (previous.rateLimitPerSecond() != next.rateLimitPerSecond()) {
                bucket = newBucket(next.rateLimitPerSecond());
            }
            behaviour = next;
        }
    }

    /**
     * Stops listening and drops every open connection, so callers see refused connections and resets, like a
     * provider outage. Safe to call twice.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (server == null) {
                return;
            }
            DisposableServer closingServer = server;
            LoopResources closingLoops = loops;
            server = null;
            loops = null;
            boolean mayBlock = !Schedulers.isInNonBlockingThread();
            if (mayBlock) {
                closingServer.disposeNow(LIFECYCLE_TIMEOUT);
            } else {
                closingServer.dispose();
            }
            // Disposing the server only closes the listening socket; pooled keep-alive connections stay open.
            openChannels.forEach(Channel::close);
            Mono<Void> loopsDisposed = closingLoops.disposeLater(Duration.ZERO, LIFECYCLE_TIMEOUT);
            if (mayBlock) {
                loopsDisposed.block(LIFECYCLE_TIMEOUT.multipliedBy(2));
            } else {
                loopsDisposed.subscribe();
            }
        }
    }

    /** Binds again on the same port, closing first if still running. Ledger, counters and behaviour survive. */
    public void restart() {
        synchronized (lifecycleLock) {
            close();
            bind();
        }
    }

    private void bind() {
        // Own event loops: a Spring context shutting down disposes Reactor Netty's global ones.
        LoopResources newLoops = LoopResources.create("sim-" + settings.name(), 1, 2, true);
        try {
            server = HttpServer.create()
                    .runOn(newLoops)
                    .host(settings.host())
                    .port(port)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .doOnConnection(connection -> track(connection.channel()))
                    .handle(this::handle)
                    .bindNow(LIFECYCLE_TIMEOUT);
        } catch (RuntimeException e) {
            newLoops.dispose();
            throw e;
        }
        loops = newLoops;
        port = server.port();
    }

    private void track(Channel channel) {
        openChannels.add(channel);
        channel.closeFuture().addListener(future -> openChannels.remove(channel));
    }

    private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return Mono.defer(() -> route(request, response))
                .onErrorResume(error -> {
                    LOG.error("Provider simulator " + settings.name() + " failed on " + request.method() + " "
                            + request.uri(), error);
                    return response.hasSentHeaders()
                            ? Mono.empty()
                            : error(response, 500, "internal_error");
                });
    }

    private Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        if (path.equals(CHARGES_PATH)) {
            if (method.equals(HttpMethod.POST)) {
                return charge(request, response);
            }
            if (method.equals(HttpMethod.GET)) {
                return chargeByReference(request, response, uri);
            }
        } else if (path.startsWith(CHARGES_PATH + "/") && method.equals(HttpMethod.GET)) {
            String id = path.substring(CHARGES_PATH.length() + 1);
            if (!id.isEmpty() && !id.contains("/")) {
                return chargeById(request, response, id);
            }
        } else if (path.equals("/_sim/ledger") && method.equals(HttpMethod.GET)) {
            return json(response, 200, ledgerJson());
        } else if (path.equals("/_sim/stats") && method.equals(HttpMethod.GET)) {
            return json(response, 200, statsJson(counters.snapshot()));
        } else if (path.equals("/_sim/config")) {
            if (method.equals(HttpMethod.GET)) {
                return json(response, 200, behaviourJson(behaviour));
            }
            if (method.equals(HttpMethod.PUT)) {
                return body(request).flatMap(body -> updateConfig(response, body));
            }
        } else if (path.equals("/_sim/reset") && method.equals(HttpMethod.POST)) {
            reset();
            return response.status(204).send();
        }
        return error(response, 404, "not_found");
    }

    // ---- POST /v1/charges ----

    private Mono<Void> charge(HttpServerRequest request, HttpServerResponse response) {
        counters.requests.increment();
        // One snapshot per request, so a concurrent PUT /_sim/config cannot mix two behaviours.
        SimulatorBehaviour current = behaviour;
        // The body is always read first so that the connection stays reusable whatever the answer.
        return body(request).flatMap(body -> {
            if (!current.available()) {
                counters.unavailable.increment();
                return error(response, 503, "unavailable");
            }
            if (!authorized(request)) {
                return error(response, 401, "unauthorized");
            }
            Bucket limit = bucket;
            if (limit != null && !limit.tryConsume(1)) {
                counters.rateLimited.increment();
                return rateLimited(response);
            }
            String idempotencyKey = request.requestHeaders().get(IDEMPOTENCY_KEY);
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                return error(response, 400, "missing_idempotency_key");
            }
            if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                return invalidRequest(response, IDEMPOTENCY_KEY + " must be at most "
                        + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
            }
            ChargeRequest charge;
            try {
                charge = ChargeRequest.from(readTree(body));
            } catch (ChargeRequest.InvalidRequestException e) {
                return invalidRequest(response, e.getMessage());
            }
            Optional<SimulatorLedger.Entry> known = ledger.byIdempotencyKey(idempotencyKey);
            if (known.isPresent()) {
                return replay(response, known.get(), charge);
            }
            Object claim = new Object();
            if (inFlight.putIfAbsent(idempotencyKey, claim) != null) {
                // The first request with this key has not decided yet; answering now could double charge.
                return error(response, 409, "idempotency_key_in_use");
            }
            return process(response, current, idempotencyKey, charge, claim);
        });
    }

    private Mono<Void> replay(HttpServerResponse response, SimulatorLedger.Entry entry, ChargeRequest charge) {
        if (!entry.request().equals(charge)) {
            return error(response, 422, "idempotency_key_reused");
        }
        counters.replays.increment();
        response.header("Idempotent-Replayed", "true");
        return json(response, 201, chargeJson(entry.charge()));
    }

    private Mono<Void> process(HttpServerResponse response, SimulatorBehaviour current, String idempotencyKey,
            ChargeRequest charge, Object claim) {
        Duration delay = latency(current);
        if (charge.token().equals(SLOW_TOKEN)) {
            delay = delay.plus(current.slowTokenDelay());
        }
        Mono<Decision> decision = (delay.isZero() ? Mono.just(0L) : Mono.delay(delay))
                .map(ignored -> decide(current, idempotencyKey, charge, claim))
                .doFinally(signal -> inFlight.remove(idempotencyKey, claim))
                .cache();
        // Detached from the connection: whether or not the server cancels the handler of a client that gave
        // up, the provider still charges, as a real one would.
        decision.subscribe(ignored -> { }, error -> LOG.error("Provider simulator " + settings.name()
                + " failed to decide a charge", error));
        return decision.flatMap(decided -> respond(response, decided));
    }

    private Decision decide(SimulatorBehaviour current, String idempotencyKey, ChargeRequest charge, Object claim) {
        try {
            Outcome outcome = MAGIC_TOKENS.get(charge.token());
            if (outcome == null) {
                outcome = draw(current);
            }
            SimulatorLedger.Entry entry = switch (outcome.kind()) {
                case APPROVE, LOST_RESPONSE -> record(idempotencyKey, charge, SimulatorCharge.APPROVED, null);
                case DECLINE -> record(idempotencyKey, charge, SimulatorCharge.DECLINED, outcome.declineCode());
                default -> null;
            };
            switch (outcome.kind()) {
                case UNAVAILABLE -> counters.unavailable.increment();
                case ERROR -> counters.errors.increment();
                case RATE_LIMITED -> counters.rateLimited.increment();
                case HANG -> counters.hangs.increment();
                case LOST_RESPONSE -> counters.lostResponses.increment();
                default -> { }
            }
            return new Decision(outcome, entry, current.hangDuration());
        } finally {
            // Released before the answer is written, so an immediate retry sees the recorded charge or none.
            inFlight.remove(idempotencyKey, claim);
        }
    }

    private Outcome draw(SimulatorBehaviour current) {
        if (chance(current.unavailableRate())) {
            return Outcome.of(Kind.UNAVAILABLE);
        }
        if (chance(current.errorRate())) {
            return Outcome.of(Kind.ERROR);
        }
        if (chance(current.hangRate())) {
            return Outcome.of(Kind.HANG);
        }
        if (chance(current.lostResponseRate())) {
            return Outcome.of(Kind.LOST_RESPONSE);
        }
        if (chance(current.declineRate())) {
            return Outcome.declined("card_declined");
        }
        return Outcome.APPROVED;
    }

    private SimulatorLedger.Entry record(String idempotencyKey, ChargeRequest charge, String status,
            String declineCode) {
        SimulatorCharge candidate = new SimulatorCharge(newChargeId(), idempotencyKey, charge.reference(),
                charge.amount(), charge.currency(), status, declineCode, clock.instant());
        SimulatorLedger.Entry entry = ledger.record(candidate, charge);
        if (entry.charge() == candidate) {
            (candidate.approved() ? counters.approved : counters.declined).increment();
        }
        return entry;
    }

    private Mono<Void> respond(HttpServerResponse response, Decision decision) {
        return switch (decision.outcome().kind()) {
            case APPROVE, DECLINE -> json(response, 201, chargeJson(decision.entry().charge()));
            case UNAVAILABLE -> error(response, 503, "unavailable");
            case ERROR -> error(response, 500, "internal_error");
            case RATE_LIMITED -> rateLimited(response);
            case HANG, LOST_RESPONSE -> hang(response, decision.hangDuration());
        };
    }

    /** Holds the request without answering, then closes the connection: the caller never gets a response. */
    private Mono<Void> hang(HttpServerResponse response, Duration hangDuration) {
        Channel[] holder = new Channel[1];
        response.withConnection(connection -> holder[0] = connection.channel());
        Channel channel = holder[0];
        Mono<Void> closed = Mono.create(sink -> channel.closeFuture().addListener(future -> sink.success()));
        return Mono.delay(hangDuration)
                .doOnNext(ignored -> channel.close())
                // A client that gives up first cancels the timer instead of leaving it to fire later.
                .takeUntilOther(closed)
                .then(closed);
    }

    private Duration latency(SimulatorBehaviour current) {
        long jitter = current.latencyJitterMs() == 0 ? 0 : nextLong(current.latencyJitterMs() + 1);
        return Duration.ofMillis(current.latencyMs() + jitter);
    }

    private boolean chance(double rate) {
        if (rate <= 0.0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private long nextLong(long bound) {
        synchronized (random) {
            return random.nextLong(bound);
        }
    }

    private String newChargeId() {
        char[] id = new char[24];
        synchronized (random) {
            for (int i = 0; i < id.length; i++) {
                id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
            }
        }
        return "ch_" + new String(id);
    }

    // ---- GET /v1/charges ----

    private Mono<Void> chargeByReference(HttpServerRequest request, HttpServerResponse response,
            QueryStringDecoder uri) {
        counters.statusQueries.increment();
        if (!authorized(request)) {
            return error(response, 401, "unauthorized");
        }
        List<String> references = uri.parameters().getOrDefault("reference", List.of());
        if (references.isEmpty() || references.getFirst().isBlank()) {
            return invalidRequest(response, "reference query parameter is required");
        }
        return found(response, ledger.byReference(references.getFirst()));
    }

    private Mono<Void> chargeById(HttpServerRequest request, HttpServerResponse response, String id) {
        if (!authorized(request)) {
            return error(response, 401, "unauthorized");
        }
        return found(response, ledger.byId(id));
    }

    private Mono<Void> found(HttpServerResponse response, Optional<SimulatorCharge> charge) {
        return charge.map(found -> json(response, 200, chargeJson(found)))
                .orElseGet(() -> error(response, 404, "not_found"));
    }

    private boolean authorized(HttpServerRequest request) {
        String apiKey = settings.apiKey();
        if (apiKey == null) {
            return true;
        }
        String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        String prefix = "Bearer ";
        if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        // Constant-time comparison: the simulator should not teach the router's tests a timing oracle.
        byte[] presented = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, apiKey.getBytes(StandardCharsets.UTF_8));
    }

    // ---- /_sim/config ----

    private Mono<Void> updateConfig(HttpServerResponse response, String body) {
        SimulatorBehaviour next;
        try {
            JsonNode patch = readTree(body);
            if (patch == null || !patch.isObject()) {
                throw new ChargeRequest.InvalidRequestException("body must be a JSON object");
            }
            synchronized (behaviourLock) {
                next = patched(behaviour, patch);
                update(next);
            }
        } catch (ChargeRequest.InvalidRequestException | IllegalArgumentException e) {
            return invalidRequest(response, e.getMessage());
        }
        return json(response, 200, behaviourJson(next));
    }

    private static SimulatorBehaviour patched(SimulatorBehaviour base, JsonNode patch) {
        SimulatorBehaviour next = base;
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            JsonNode value = field.getValue();
            next = switch (field.getKey()) {
                case "latencyMs" -> next.withLatencyMs(longValue(field.getKey(), value));
                case "latencyJitterMs" -> next.withLatencyJitterMs(longValue(field.getKey(), value));
                case "declineRate" -> next.withDeclineRate(rateValue(field.getKey(), value));
                case "errorRate" -> next.withErrorRate(rateValue(field.getKey(), value));
                case "unavailableRate" -> next.withUnavailableRate(rateValue(field.getKey(), value));
                case "hangRate" -> next.withHangRate(rateValue(field.getKey(), value));
                case "lostResponseRate" -> next.withLostResponseRate(rateValue(field.getKey(), value));
                case "rateLimitPerSecond" -> next.withRateLimitPerSecond(intValue(field.getKey(), value));
                case "available" -> next.withAvailable(booleanValue(field.getKey(), value));
                case "hangDurationMs" -> next.withHangDuration(Duration.ofMillis(longValue(field.getKey(), value)));
                case "slowTokenDelayMs" ->
                        next.withSlowTokenDelay(Duration.ofMillis(longValue(field.getKey(), value)));
                // A typo silently ignored would leave a test believing it configured a fault it did not.
                default -> throw new ChargeRequest.InvalidRequestException("unknown field " + field.getKey());
            };
        }
        return next;
    }

    private static long longValue(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ChargeRequest.InvalidRequestException(field + " must be an integer");
        }
        return value.longValue();
    }

    private static int intValue(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ChargeRequest.InvalidRequestException(field + " must be an integer");
        }
        return value.intValue();
    }

    private static double rateValue(String field, JsonNode value) {
        if (!value.isNumber()) {
            throw new ChargeRequest.InvalidRequestException(field + " must be a number between 0 and 1");
        }
        return value.doubleValue();
    }

    private static boolean booleanValue(String field, JsonNode value) {
        if (!value.isBoolean()) {
            throw new ChargeRequest.InvalidRequestException(field + " must be true or false");
        }
        return value.booleanValue();
    }

    // ---- JSON ----

    private static JsonNode readTree(String body) {
        if (body.isBlank()) {
            throw new ChargeRequest.InvalidRequestException("body must be a JSON object");
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ChargeRequest.InvalidRequestException("body is not valid JSON");
        }
    }

    static ObjectNode chargeNode(SimulatorCharge charge) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", charge.id());
        node.put("reference", charge.reference());
        node.put("idempotencyKey", charge.idempotencyKey());
        node.put("status", charge.status());
        node.put("declineCode", charge.declineCode());
        node.put("amount", charge.amount());
        node.put("currency", charge.currency());
        node.put("createdAt", charge.createdAt().toString());
        return node;
    }

    private static String chargeJson(SimulatorCharge charge) {
        return JSON.writeValueAsString(chargeNode(charge));
    }

    private String ledgerJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode charges = root.putArray("charges");
        ledger.charges().forEach(charge -> charges.add(chargeNode(charge)));
        return JSON.writeValueAsString(root);
    }

    private static String statsJson(SimulatorStats stats) {
        ObjectNode node = JSON.createObjectNode();
        node.put("requests", stats.requests());
        node.put("approved", stats.approved());
        node.put("declined", stats.declined());
        node.put("rateLimited", stats.rateLimited());
        node.put("unavailable", stats.unavailable());
        node.put("errors", stats.errors());
        node.put("hangs", stats.hangs());
        node.put("lostResponses", stats.lostResponses());
        node.put("replays", stats.replays());
        node.put("statusQueries", stats.statusQueries());
        return JSON.writeValueAsString(node);
    }

    static String behaviourJson(SimulatorBehaviour behaviour) {
        ObjectNode node = JSON.createObjectNode();
        node.put("latencyMs", behaviour.latencyMs());
        node.put("latencyJitterMs", behaviour.latencyJitterMs());
        node.put("declineRate", behaviour.declineRate());
        node.put("errorRate", behaviour.errorRate());
        node.put("unavailableRate", behaviour.unavailableRate());
        node.put("hangRate", behaviour.hangRate());
        node.put("lostResponseRate", behaviour.lostResponseRate());
        node.put("rateLimitPerSecond", behaviour.rateLimitPerSecond());
        node.put("available", behaviour.available());
        node.put("hangDurationMs", behaviour.hangDuration().toMillis());
        node.put("slowTokenDelayMs", behaviour.slowTokenDelay().toMillis());
        return JSON.writeValueAsString(node);
    }

    // ---- HTTP plumbing ----

    private static Mono<String> body(HttpServerRequest request) {
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
    }

    private static Mono<Void> json(HttpServerResponse response, int status, String body) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }

    private static Mono<Void> error(HttpServerResponse response, int status, String code) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", code);
        return json(response, status, JSON.writeValueAsString(node));
    }

    private static Mono<Void> invalidRequest(HttpServerResponse response, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", "invalid_request");
        node.put("message", message);
        return json(response, 400, JSON.writeValueAsString(node));
    }

    private static Mono<Void> rateLimited(HttpServerResponse response) {
        response.header(HttpHeaderNames.RETRY_AFTER, "1");
        return error(response, 429, "rate_limited");
    }

    private Bucket newBucket(int perSecond) {
        if (perSecond == 0) {
            return null;
        }
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                // Refill follows the injected clock, so a fixed clock in a test makes the limit exact.
                .withCustomTimePrecision(new ClockTimeMeter(clock))
                .build();
    }

    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }

    /** Lock-free counters behind {@link SimulatorStats}. */
    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder approved = new LongAdder();
        final LongAdder declined = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder unavailable = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder hangs = new LongAdder();
        final LongAdder lostResponses = new LongAdder();
        final LongAdder replays = new LongAdder();
        final LongAdder statusQueries = new LongAdder();

        SimulatorStats snapshot() {
            return new SimulatorStats(requests.sum(), approved.sum(), declined.sum(), rateLimited.sum(),
                    unavailable.sum(), errors.sum(), hangs.sum(), lostResponses.sum(), replays.sum(),
                    statusQueries.sum());
        }

        void reset() {
            for (LongAdder adder : List.of(requests, approved, declined, rateLimited, unavailable, errors, hangs,
                    lostResponses, replays, statusQueries)) {
                adder.reset();
            }
        }
    }
}
