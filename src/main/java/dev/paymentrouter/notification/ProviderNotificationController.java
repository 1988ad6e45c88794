package dev.paymentrouter.notification;

import dev.paymentrouter.notification.NotificationParser.AdyenItem;
import dev.paymentrouter.notification.domain.AdyenHmac;
import dev.paymentrouter.notification.domain.StripeSignature;
import dev.paymentrouter.platform.RequestBodies;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderSettings;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * {@code POST /webhooks/stripe/{provider}} and {@code POST /webhooks/adyen/{provider}}: the providers' notifications,
 * outside the merchant API's authentication (the provider's signature is the authentication). A provider name that
 * is not configured with that connector type is 404; a bad, missing or stale signature, or a provider with no secret
 * configured, is 401 and nothing is stored. The body is read whole (bounded) before anything is answered.
 */
@RestController
class ProviderNotificationController {

  private static final Logger log = LoggerFactory.getLogger(ProviderNotificationController.class);

  /** Stripe events stay well under this; Adyen batches at most a few items. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private final ProviderDirectory providers;
  private final NotificationParser parser;
  private final NotificationInbox inbox;
  private final Clock clock;

  ProviderNotificationController(ProviderDirectory providers, NotificationParser parser, NotificationInbox inbox,
      Clock clock) {
    this.providers = providers;
    this.parser = parser;
    this.inbox = inbox;
    this.clock = clock;
  }

  @PostMapping("/webhooks/stripe/{provider}")
  Mono<ResponseEntity<String>> stripe(@PathVariable String provider, ServerHttpRequest request) {
    return body(request).flatMap(body -> {
      Optional<ProviderSettings> settings = settings(provider, "stripe");
      if (settings.isEmpty()) {
        return Mono.just(problem(HttpStatus.NOT_FOUND, "provider_not_found", "no Stripe provider " + provider));
      }
      StripeSignature.Failure failure = StripeSignature.verify(request.getHeaders().getFirst("Stripe-Signature"),
          body, settings.get().webhookKeys().secrets(), StripeSignature.DEFAULT_TOLERANCE, clock.instant());
      if (failure != null) {
        return Mono.just(unauthorized(provider, failure.name().toLowerCase()));
      }
      ProviderNotification notification = parser.stripe(new String(body, StandardCharsets.UTF_8));
      if (notification == null) {
        return Mono.just(problem(HttpStatus.BAD_REQUEST, "invalid_notification", "the body is no Stripe event"));
      }
      return inbox.receive(provider, List.of(notification))
          .thenReturn(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body("{\"received\":true}"));
    });
  }

  @PostMapping("/webhooks/adyen/{provider}")
  Mono<ResponseEntity<String>> adyen(@PathVariable String provider, ServerHttpRequest request) {
    return body(request).flatMap(body -> {
      Optional<ProviderSettings> settings = settings(provider, "adyen");
      if (settings.isEmpty()) {
        return Mono.just(problem(HttpStatus.NOT_FOUND, "provider_not_found", "no Adyen provider " + provider));
      }
      List<String> keys = settings.get().webhookKeys().hmacKeys();
      if (keys.isEmpty()) {
        return Mono.just(unauthorized(provider, "no_secret"));
      }
      List<AdyenItem> items = parser.adyen(new String(body, StandardCharsets.UTF_8));
      if (items == null) {
        // Unsigned garbage gets no more detail than a bad signature would.
        return Mono.just(unauthorized(provider, "malformed"));
      }
      // Every item must verify, or none is taken: a batch is one request, answered once.
      if (!items.stream().allMatch(item -> AdyenHmac.verify(item.signature(), item.signed(), keys))) {
        return Mono.just(unauthorized(provider, "no_match"));
      }
      return inbox.receive(provider, items.stream().map(AdyenItem::notification).toList())
          // Adyen's documented acknowledgement; anything else makes it retry.
          .thenReturn(ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("[accepted]"));
    });
  }

  private Optional<ProviderSettings> settings(String provider, String type) {
    return providers.find(provider).map(ProviderSupervisor::settings).filter(s -> s.type().equals(type));
  }

  private static ResponseEntity<String> unauthorized(String provider, String why) {
    log.warn("Provider {}: notification refused ({}); nothing stored", provider, why);
    return problem(HttpStatus.UNAUTHORIZED, "invalid_signature", "the notification's signature does not verify");
  }

  private static ResponseEntity<String> problem(HttpStatus status, String code, String detail) {
    String body = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
        + status.value() + ",\"code\":\"" + code + "\",\"detail\":\"" + detail.replace("\"", "'") + "\"}";
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** The raw body (the exact bytes Stripe signed), at most {@link #MAX_BODY_BYTES}. */
  private static Mono<byte[]> body(ServerHttpRequest request) {
    return RequestBodies.bytes(request, MAX_BODY_BYTES)
        .onErrorMap(DataBufferLimitException.class,
            tooLarge -> new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE, "notification body too large"));
  }
}
