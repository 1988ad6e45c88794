package dev.paymentrouter.operations;

import dev.paymentrouter.api.ProblemWriter;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.operations.OperatorStore.Action;
import dev.paymentrouter.operations.OperatorStore.ProviderControl;
import dev.paymentrouter.platform.RequestBodies;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.provider.runtime.ProviderScoreboard;
import dev.paymentrouter.provider.runtime.ProviderSupervisor;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator page ({@code GET /operator}) and the operator actions on the management port, behind the operator
 * credential: force a provider's breaker open or give it back to its failure rate, drain a provider or put it back,
 * re-drive an unresolved intent, and list what operators did. Every action is written to {@code operator_actions}
 * with the operator's name and this node, and logged; provider controls are also written to
 * {@code provider_controls}, which every replica applies ({@link ProviderControls}). Actions must be JSON and not
 * come from another origin ({@link CrossSiteGuard}).
 *
 * <p>Registered as {@code OperatorMerchantController} is: by component scanning when the endpoints share the API's
 * port, else in the management server's own context ({@link OperatorManagementConfiguration}).
 */
@RestController
@ConditionalOnManagementPort(ManagementPortType.SAME)
class OperatorController {

  private static final Logger log = LoggerFactory.getLogger(OperatorController.class);
  static final String API = "/operator/v1";
  private static final int MAX_BODY = 4 * 1024;
  private static final int MAX_ACTIONS = 500;

  /** A refusal answered as problem+json. */
  static final class Refused extends RuntimeException {
    final HttpStatus status;
    final String code;

    Refused(HttpStatus status, String code, String detail) {
      super(detail, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  private final ProviderDirectory providers;
  private final ProviderScoreboard scoreboard;
  private final ProviderControls controls;
  private final OperatorStore store;
  private final IntentStore intents;
  private final IntentRedrive redrive;
  private final JsonMapper json;
  private final Clock clock;
  private final String node;
  private final SecureRandom random;

  OperatorController(ProviderDirectory providers, ProviderScoreboard scoreboard, ProviderControls controls,
      OperatorStore store, IntentStore intents, IntentRedrive redrive, JsonMapper json, Clock clock,
      OperatorNode node) {
    this.providers = providers;
    this.scoreboard = scoreboard;
    this.controls = controls;
    this.store = store;
    this.intents = intents;
    this.redrive = redrive;
    this.json = json;
    this.clock = clock;
    this.node = node.name();
    try {
      this.random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides DRBG", e);
    }
    // Seeded here from the operating system, once: a page's nonce never reads a file on an event loop.
    random.nextBytes(new byte[1]);
  }

  @GetMapping(path = "/operator", produces = MediaType.TEXT_HTML_VALUE)
  Mono<ResponseEntity<String>> page() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String nonce = Base64.getEncoder().encodeToString(bytes);
    return overview().map(overview -> ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noStore())
        // Defence in depth behind the escaping: only this response's own script runs, nothing may frame the page.
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-"
            + nonce + "'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'none'; "
            + "base-uri 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .body(OperatorPage.render(overview, nonce)));
  }

  @GetMapping(path = API + "/overview", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Overview> overview() {
    return Overview.read(providers, scoreboard, store, intents, clock, node);
  }

  @GetMapping(path = API + "/actions", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Map<String, List<Action>>> actions(@RequestParam(required = false) String limit) {
    int count;
    try {
      count = limit == null ? 50 : Integer.parseInt(limit);
    } catch (NumberFormatException notANumber) {
      count = -1;
    }
    if (count < 1 || count > MAX_ACTIONS) {
      return Mono.error(new Refused(HttpStatus.BAD_REQUEST, "invalid_limit",
          "limit must be a whole number from 1 to " + MAX_ACTIONS));
    }
    return store.actions(count).collectList().map(list -> Map.of("data", list));
  }

  @PostMapping(path = API + "/providers/{name}/breaker", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Map<String, Object>> breaker(@PathVariable String name, ServerWebExchange exchange) {
    return action(exchange).flatMap(request -> {
      ProviderSupervisor supervisor = provider(name);
      String state = text(request.body(), "state");
      if (!"forced_open".equals(state) && !"auto".equals(state)) {
        return Mono.error(new Refused(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_state",
            "state must be \"forced_open\" or \"auto\""));
      }
      boolean forced = state.equals("forced_open");
      String detail = json.writeValueAsString(Map.of("state", state, "circuitBefore",
          supervisor.gatekeeper().circuitState()));
      return store.setBreaker(name, forced, request.operator(), node, detail).then(Mono.fromSupplier(() -> {
        controls.applyNow(new ProviderControl(name, providers.drained(name), forced, request.operator(), null));
        log.warn("operator {} set provider {}'s breaker to {}", request.operator(), name, state);
        Map<String, Object> answer = provider(name, supervisor);
        answer.put("operator", request.operator());
        return answer;
      }));
    });
  }

  @PostMapping(path = API + "/providers/{name}/drain", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Map<String, Object>> drain(@PathVariable String name, ServerWebExchange exchange) {
    return action(exchange).flatMap(request -> {
      ProviderSupervisor supervisor = provider(name);
      JsonNode drained = request.body().get("drained");
      if (drained == null || !drained.isBoolean()) {
        return Mono.error(new Refused(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_drained",
            "drained must be true or false"));
      }
      boolean drain = drained.booleanValue();
      String detail = json.writeValueAsString(Map.of("drained", drain));
      return store.setDrained(name, drain, request.operator(), node, detail).then(Mono.fromSupplier(() -> {
        controls.applyNow(new ProviderControl(name, drain, supervisor.gatekeeper().forcedOpen(), request.operator(),
            null));
        log.warn("operator {} {} provider {}", request.operator(), drain ? "drained" : "put back into routing", name);
        Map<String, Object> answer = provider(name, supervisor);
        answer.put("operator", request.operator());
        return answer;
      }));
    });
  }

  @PostMapping(path = API + "/intents/{id}/redrive", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Map<String, Object>>> redrive(@PathVariable String id, ServerWebExchange exchange) {
    return action(exchange).flatMap(request -> (IntentIds.isWellFormed(id) ? intents.find(id)
            : Mono.<IntentStore.StoredIntent>empty())
        .switchIfEmpty(Mono.error(() -> new Refused(HttpStatus.NOT_FOUND, "intent_not_found",
            "no intent " + id + " exists")))
        .flatMap(found -> redrive.redrive(request.operator(), id)
            .flatMap(intent -> {
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("id", intent.id());
              answer.put("redriven", true);
              answer.put("status", intent.status().wireName());
              answer.put("unresolvedReason", intent.unresolvedReason());
              answer.put("attempts", intent.attempts().stream()
                  .map(a -> a.provider() + ":" + a.status().wireName()).toList());
              answer.put("operator", request.operator());
              return Mono.just(ResponseEntity.ok(answer));
            })
            .switchIfEmpty(Mono.error(() -> new Refused(HttpStatus.CONFLICT, "not_redrivable",
                "intent " + id + " was not taken: it is final, or a live process holds it")))));
  }

  @ExceptionHandler(Refused.class)
  Mono<Void> refused(Refused refused, ServerWebExchange exchange) {
    return ProblemWriter.write(exchange, refused.status, refused.code, refused.status.getReasonPhrase(),
        refused.getMessage());
  }

  /** An action's operator and JSON body, once the request passed the cross-site check. */
  private record ActionRequest(String operator, JsonNode body) {}

  private Mono<ActionRequest> action(ServerWebExchange exchange) {
    Optional<CrossSiteGuard.Refusal> refusal = CrossSiteGuard.check(exchange.getRequest());
    if (refusal.isPresent()) {
      log.warn("Refused operator action {} {}: {}", exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(), refusal.get().code());
      return Mono.error(new Refused(HttpStatus.valueOf(refusal.get().status()), refusal.get().code(),
          refusal.get().detail()));
    }
    Mono<JsonNode> body = RequestBodies.bytes(exchange.getRequest(), MAX_BODY)
        .map(bytes -> {
          if (bytes.length == 0) {
            return json.createObjectNode();
          }
          try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
              throw new Refused(HttpStatus.BAD_REQUEST, "invalid_json", "the body must be a JSON object");
            }
            return node;
          } catch (JacksonException notJson) {
            throw new Refused(HttpStatus.BAD_REQUEST, "invalid_json", "the body is not valid JSON");
          }
        })
        .onErrorMap(DataBufferLimitException.class,
            tooLarge -> new Refused(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                "the body must be at most " + MAX_BODY + " bytes"));
    return exchange.getPrincipal().map(Principal::getName)
        // The operator filter lets no anonymous request get here; should one ever, nothing happens without a name.
        .switchIfEmpty(Mono.error(() -> new Refused(HttpStatus.UNAUTHORIZED, "unauthorized",
            "operator authentication required")))
        .zipWith(body, ActionRequest::new);
  }

  private ProviderSupervisor provider(String name) {
    return providers.find(name).orElseThrow(() -> new Refused(HttpStatus.NOT_FOUND, "provider_not_found",
        "no provider " + name + " is configured; configured: " + providers.names()));
  }

  private Map<String, Object> provider(String name, ProviderSupervisor supervisor) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("provider", name);
    answer.put("circuit", supervisor.gatekeeper().circuitState());
    answer.put("forcedOpen", supervisor.gatekeeper().forcedOpen());
    answer.put("drained", providers.drained(name));
    return answer;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isString() ? value.stringValue() : null;
  }
}
