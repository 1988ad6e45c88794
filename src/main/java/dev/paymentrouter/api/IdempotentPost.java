package dev.paymentrouter.api;

import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.merchant.runtime.ApiKeyAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * A POST that changes money, as every such endpoint takes it in: its body read whole, its merchant, its
 * {@code Idempotency-Key} and how long the caller lets it wait for an outcome ({@code Prefer: wait=N}). One
 * intake, so that create, capture, cancel and refund refuse the same mistakes with the same answers.
 *
 * @param merchant       the authenticated caller
 * @param idempotencyKey the caller's key for this request, 1-255 printable ASCII characters
 * @param body           the raw body, empty when none was sent
 * @param waitFor        how long to wait for a final outcome before answering
 * @param waitPreferred  whether the caller asked for {@code wait}, which the answer then confirms
 */
record IdempotentPost(Merchant merchant, String idempotencyKey, String body, Duration waitFor, boolean waitPreferred) {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Pattern PRINTABLE_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");

  /** Reads the body, then checks the caller, the body's type and the key, in that order. */
  static Mono<IdempotentPost> read(ServerHttpRequest request, ApiKeyAuthenticator authenticator,
      ApiProperties properties) {
    return body(request).flatMap(raw -> admit(raw, request, authenticator, properties));
  }

  /** Checks the caller, the body's type and the key of a request whose body is read. */
  static Mono<IdempotentPost> admit(String body, ServerHttpRequest request, ApiKeyAuthenticator authenticator,
      ApiProperties properties) {
    HttpHeaders headers = request.getHeaders();
    return MerchantAuthentication.required(authenticator, headers.getFirst(HttpHeaders.AUTHORIZATION))
        .map(merchant -> {
          requireJson(headers.getFirst(HttpHeaders.CONTENT_TYPE));
          String key = validIdempotencyKey(headers.getFirst(IDEMPOTENCY_KEY));
          Optional<Duration> preferred = WaitPreference.parse(headers.getFirst("Prefer"), properties.maxWait());
          return new IdempotentPost(merchant, key, body, preferred.orElse(properties.defaultWait()),
              preferred.isPresent());
        });
  }

  /**
   * The raw body (at most 64 KiB), read here rather than by a codec so that any declared type (e.g. curl's default)
   * is JSON. It is read before anything is answered: a connection whose request body was left unread cannot safely
   * carry the next request.
   */
  static Mono<String> body(ServerHttpRequest request) {
    return DataBufferUtils.join(request.getBody(), MAX_BODY_BYTES)
        .map(buffer -> {
          try {
            return buffer.toString(StandardCharsets.UTF_8);
          } finally {
            DataBufferUtils.release(buffer);
          }
        })
        .defaultIfEmpty("")
        .onErrorMap(DataBufferLimitException.class, tooLarge -> ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE,
            "payload_too_large", "Request body too large",
            "the request body must be at most " + MAX_BODY_BYTES / 1024 + " KiB"));
  }

  /** The answer, confirming the wait when the caller asked for one (RFC 7240 {@code Preference-Applied}). */
  <T> ResponseEntity<T> answer(ResponseEntity<T> response) {
    if (!waitPreferred) {
      return response;
    }
    return ResponseEntity.status(response.getStatusCode())
        .headers(response.getHeaders())
        .header("Preference-Applied", "wait=" + waitFor.toSeconds())
        .body(response.getBody());
  }

  /** The answer to a key used before with another request: nothing is done under it. */
  static ApiProblem keyReused() {
    return ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused", "Idempotency key reused",
        "this Idempotency-Key was already used with a different request body");
  }

  /**
   * JSON, or no declared type, or the form type curl sends by default with {@code -d}: all are parsed as JSON.
   * Any other declared type is refused.
   */
  private static void requireJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return;
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (IllegalArgumentException e) {
      type = null;
    }
    boolean json = type != null && (type.isCompatibleWith(MediaType.APPLICATION_JSON)
        || type.getSubtype().endsWith("+json") || type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED));
    if (!json) {
      throw ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Unsupported media type",
          "send the request body as application/json");
    }
  }

  private static String validIdempotencyKey(String key) {
    if (key == null) {
      throw ApiProblem.of(HttpStatus.BAD_REQUEST, "idempotency_key_missing", "Idempotency-Key required",
          "send an Idempotency-Key header (1 to 255 printable characters) so that retries are safe");
    }
    if (!PRINTABLE_KEY.matcher(key).matches()) {
      throw ApiProblem.of(HttpStatus.BAD_REQUEST, "idempotency_key_invalid", "Invalid Idempotency-Key",
          "the Idempotency-Key header must be 1 to 255 printable ASCII characters");
    }
    return key;
  }
}
