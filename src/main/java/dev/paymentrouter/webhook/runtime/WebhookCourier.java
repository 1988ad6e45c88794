package dev.paymentrouter.webhook.runtime;

import dev.paymentrouter.process.Rounds;
import dev.paymentrouter.webhook.domain.RetrySchedule;
import dev.paymentrouter.webhook.domain.Verdict;
import dev.paymentrouter.webhook.domain.WebhookSigner;
import dev.paymentrouter.webhook.runtime.DeliveryStore.Claimed;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pooled worker that delivers the merchants' events, one per node: every {@code interval} (and at once when a
 * send ends while work is left) it claims due deliveries as far as it has free sends (any node's workers may run;
 * {@link DeliveryStore#claim} keeps them from sending one delivery twice at once), checks the endpoint's address again
 * (SSRF: the name may resolve elsewhere now), signs the event per Standard Webhooks and POSTs it within
 * {@code timeout}. A 2xx is delivered; anything else is tried again on the retry schedule, then failed for good, and
 * the endpoint that keeps failing is disabled.
 *
 * <p>At most {@code concurrency} sends run on the node and at most {@code perEndpoint} for one endpoint (a bulkhead):
 * the claim itself takes no more of an endpoint than it has free slots, and endpoints in turn. A round only claims
 * and starts sends; it does not wait for them, so a slow endpoint holds its own slots and nothing else. Delivery is at
 * least once: the event id is the {@code webhook-id} receivers dedupe by.
 */
public final class WebhookCourier {

  private static final Logger log = LoggerFactory.getLogger(WebhookCourier.class);

  /** The body of a delivery: the event as {@code GET /v1/events/{id}} shows it. */
  record Body(String id, String type, Instant createdAt, tools.jackson.databind.JsonNode data) {}

  /** How the courier works. */
  public record Settings(Duration interval, int batch, int concurrency, int perEndpoint, Duration timeout,
      RetrySchedule retries) {}

  private final DeliveryStore store;
  private final WebhookEndpoints endpoints;
  private final WebhookUrlPolicy policy;
  private final HttpClient http;
  private final JsonMapper json;
  private final Clock clock;
  private final Settings settings;
  /** Sends under way per endpoint (no entry: none). */
  private final ConcurrentHashMap<String, Integer> sending = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Rounds rounds;
  /** Whether the last claim may have left due deliveries behind: then every send that ends wakes a round. */
  private volatile boolean backlog;
  /** The endpoint the last claim reached; the next one starts after it. */
  private volatile String lastEndpoint;

  public WebhookCourier(DeliveryStore store, WebhookEndpoints endpoints, WebhookUrlPolicy policy, HttpClient http,
      JsonMapper json, Clock clock, Settings settings, Scheduler scheduler) {
    this.store = store;
    this.endpoints = endpoints;
    this.policy = policy;
    this.http = http;
    this.json = json;
    this.clock = clock;
    this.settings = settings;
    this.rounds = new Rounds("Webhook delivery", settings.interval(), this::round, scheduler);
  }

  /** Starts the rounds (see {@link Rounds}: they never overlap, and a failed one is logged). */
  public void start() {
    rounds.start();
  }

  /** Stops claiming; sends under way finish on their own (a node that dies mid-send leaves them due again). */
  public void stop() {
    rounds.stop();
  }

  /** One round: claims what is due, as far as sends are free, and starts sending it; ends once the sends started. */
  public Mono<Void> round() {
    int free = settings.concurrency() - inFlight.get();
    if (free <= 0) {
      backlog = true;
      return Mono.empty();
    }
    int limit = Math.min(settings.batch(), free);
    Instant now = clock.instant();
    // A claimed delivery is not due again before its send must have ended, here or on a node that died.
    Instant busyUntil = now.plus(settings.timeout().multipliedBy(2));
    Map<String, Integer> busy = Map.copyOf(sending);
    return store.claim(new DeliveryStore.Claim(now, limit, settings.perEndpoint(), busy, lastEndpoint), busyUntil)
        .collectList()
        .doOnNext(claimed -> {
          backlog = claimed.size() == limit || anEndpointFilledUp(claimed, busy);
          lastEndpoint = lastInTurn(claimed, lastEndpoint);
          claimed.forEach(this::dispatch);
          if (backlog) {
            rounds.wake();
          }
        })
        .then();
  }

  /** Sends under way on this node. */
  public int sending() {
    return inFlight.get();
  }

  /** Deliveries sent and taken, retried, failed for good, since start. */
  public long delivered() {
    return delivered.get();
  }

  public long retried() {
    return retried.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Whether the claim took all an endpoint's free slots: it may have more due, to claim as soon as a send ends. */
  private boolean anEndpointFilledUp(List<Claimed> claimed, Map<String, Integer> busy) {
    Map<String, Integer> taken = new HashMap<>();
    claimed.forEach(one -> taken.merge(one.endpointId(), 1, Integer::sum));
    return taken.entrySet().stream()
        .anyMatch(entry -> entry.getValue() + busy.getOrDefault(entry.getKey(), 0) >= settings.perEndpoint());
  }

  /**
   * The endpoint the claim reached last in its turn order (ids after {@code after} first, then from the first id):
   * the greatest id not after {@code after} if the turn wrapped round, else the greatest id.
   */
  static String lastInTurn(List<Claimed> claimed, String after) {
    String wrapped = null;
    String ahead = null;
    for (Claimed one : claimed) {
      String id = one.endpointId();
      if (after != null && bytewise(id, after) <= 0) {
        wrapped = wrapped == null || bytewise(id, wrapped) > 0 ? id : wrapped;
      } else {
        ahead = ahead == null || bytewise(id, ahead) > 0 ? id : ahead;
      }
    }
    return wrapped != null ? wrapped : ahead != null ? ahead : after;
  }

  /** Compares as the claim's {@code collate "C"} does: by the UTF-8 bytes, unsigned. */
  private static int bytewise(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes a send slot of the node and of the endpoint and starts the send; both are given back when it ends. */
  private void dispatch(Claimed claimed) {
    boolean[] taken = {false};
    sending.compute(claimed.endpointId(), (id, busy) -> {
      int now = busy == null ? 0 : busy;
      if (now >= settings.perEndpoint()) {
        return busy;
      }
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) {
      // Not expected (the claim counts the endpoint's sends); the try is given back, not lost.
      store.postpone(claimed, clock.instant().plus(settings.interval()), clock.instant())
          .subscribe(null, error -> log.warn("Webhook delivery {}: could not postpone: {}", claimed.id(),
              error.toString()));
      return;
    }
    inFlight.incrementAndGet();
    deliver(claimed)
        .doFinally(signal -> {
          Integer left = sending.computeIfPresent(claimed.endpointId(), (id, busy) -> busy <= 1 ? null : busy - 1);
          int free = settings.concurrency() - inFlight.decrementAndGet();
          // A claim per freed endpoint or per batch's worth of free sends, not per send: each claim is a statement.
          if (backlog && (left == null || free >= settings.batch())) {
            rounds.wake();
          }
        })
        .subscribe(null, error -> log.warn("Webhook delivery {} of event {}: {}", claimed.id(), claimed.eventId(),
            error.toString()));
  }

  private Mono<Void> deliver(Claimed claimed) {
    return endpoints.signing(claimed.endpointId())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(endpoint -> endpoint.isPresent()
            ? send(claimed, endpoint.get())
            // Deleted (its secrets erased) or disabled: it gets nothing more.
            : store.tryFailed(claimed, null, "endpoint_gone", null, clock.instant()));
  }

  private Mono<Void> send(Claimed claimed, SigningEndpoint endpoint) {
    URI uri = URI.create(endpoint.url());
    return policy.check(uri).flatMap(verdict -> switch (verdict) {
      case Verdict.Refused refused -> failedTry(claimed, null, "url_refused: " + refused.code(), endpoint);
      case Verdict.Allowed allowed -> post(claimed, endpoint, uri, allowed);
    });
  }

  /**
   * POSTs the signed event to the address the check allowed, not to a fresh look-up of the name (which could answer
   * otherwise by now): the connection goes to that address, while the Host header and TLS (server name, certificate)
   * still speak of the URL's host.
   */
  private Mono<Void> post(Claimed claimed, SigningEndpoint endpoint, URI uri, Verdict.Allowed allowed) {
    byte[] body = json.writeValueAsBytes(new Body(claimed.eventId(), claimed.eventType(), claimed.eventCreatedAt(),
        json.readTree(claimed.eventData())));
    WebhookSigner.Headers signed = WebhookSigner.sign(claimed.eventId(), clock.instant().getEpochSecond(), body,
        endpoint.secrets());
    return pinned(uri, allowed)
        .headers(headers -> headers
            .set(HttpHeaderNames.HOST, uri.getRawAuthority())
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .set(WebhookSigner.ID, signed.id())
            .set(WebhookSigner.TIMESTAMP, Long.toString(signed.timestamp()))
            .set(WebhookSigner.SIGNATURE, signed.signature()))
        .post()
        .uri(target(uri))
        .send(ByteBufFlux.fromString(Mono.just(new String(body, StandardCharsets.UTF_8))))
        // Only the status matters; the body is read and dropped so that the connection can be reused.
        .responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
        .timeout(settings.timeout())
        .flatMap(status -> status >= 200 && status < 300
            ? store.succeeded(claimed, status, clock.instant()).doOnSuccess(done -> delivered.incrementAndGet())
            : failedTry(claimed, status, "http_" + status, endpoint))
        .onErrorResume(error -> failedTry(claimed, null,
            error instanceof TimeoutException ? "timeout" : error.getClass().getSimpleName(), endpoint));
  }

  /** The client bound to the allowed address (when the check resolved one) and to TLS for an https URL. */
  private HttpClient pinned(URI uri, Verdict.Allowed allowed) {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    HttpClient client = https ? http.secure() : http;
    if (allowed.addresses().isEmpty()) {
      return client.host(uri.getHost()).port(port);
    }
    try {
      // An address carrying the host's name: no look-up happens, and TLS checks the certificate against the name.
      InetAddress address = InetAddress.getByAddress(uri.getHost(), allowed.addresses().getFirst().getAddress());
      InetSocketAddress target = new InetSocketAddress(address, port);
      return client.remoteAddress(() -> target);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("an address of the right length is always accepted", impossible);
    }
  }

  /** The request target: the URL's path and query. */
  private static String target(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  private Mono<Void> failedTry(Claimed claimed, Integer status, String error, SigningEndpoint endpoint) {
    Instant now = clock.instant();
    return settings.retries().after(claimed.attempt(), ThreadLocalRandom.current().nextDouble())
        .map(delay -> {
          retried.incrementAndGet();
          return store.tryFailed(claimed, status, error, now.plus(delay), now);
        })
        .orElseGet(() -> {
          failed.incrementAndGet();
          log.warn("Webhook delivery {} of event {} to endpoint {} failed for good after {} tries ({}); disabling the "
              + "endpoint", claimed.id(), claimed.eventId(), endpoint.id(), claimed.attempt(), error);
          return store.tryFailed(claimed, status, error, null, now)
              .then(store.disableEndpoint(endpoint.id(), "deliveries failed for "
                  + settings.retries().span() + " (last: " + error + ")", now));
        });
  }
}
