package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.merchant.domain.MerchantSettings;
import dev.paymentrouter.merchant.runtime.MerchantDirectory;
import dev.paymentrouter.provider.runtime.ProviderDirectory;
import dev.paymentrouter.routing.domain.HealthSnapshot;
import dev.paymentrouter.routing.domain.ProviderAvailability;
import dev.paymentrouter.routing.domain.RoutingPolicy;
import dev.paymentrouter.routing.domain.RoutingRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the routing policy to an intent with the providers' health as it is at this moment, offering only providers
 * that can charge the intent's payment method (a token for that provider, of a form its connector can use).
 */
public final class IntentRouting {

  /** Skip reason: the intent has no token for the provider (no per-provider one, no provider-agnostic one). */
  static final String NO_TOKEN = "no_token";
  /** Skip reason: the token the provider would get has a form its connector cannot charge. */
  static final String TOKEN_NOT_USABLE = "token_not_usable";

  private final RoutingPolicy policy;
  private final MerchantDirectory merchants;
  private final ProviderDirectory providers;
  private final List<String> names;
  private final Map<String, String> tokenKeys;

  /** Routing with the global policy only. */
  public IntentRouting(RoutingPolicy policy, ProviderDirectory providers) {
    this(policy, providers, null);
  }

  /** Routing with each merchant's own rules and allowed providers ({@code merchants}) over the global policy. */
  public IntentRouting(RoutingPolicy policy, ProviderDirectory providers, MerchantDirectory merchants) {
    this.policy = policy;
    this.merchants = merchants;
    this.providers = providers;
    this.names = providers.names();
    this.tokenKeys = tokenKeys(providers);
  }

  /** The configured providers' names, in configured order. */
  public List<String> providers() {
    return names;
  }

  /**
   * The keys {@code paymentMethod.tokens} accepts, each with the provider it means: every provider's name, and the
   * connector type of a provider that is the only one of its type (and whose type names no other provider), so that
   * a merchant may say "the Stripe token" without knowing what the router calls its Stripe account.
   */
  public Map<String, String> tokenKeys() {
    return tokenKeys;
  }

  private static Map<String, String> tokenKeys(ProviderDirectory providers) {
    Map<String, String> keys = new LinkedHashMap<>();
    providers.names().forEach(name -> keys.put(name, name));
    Map<String, List<String>> byType = new LinkedHashMap<>();
    providers.all().forEach(supervisor -> byType.computeIfAbsent(supervisor.settings().type(),
        type -> new ArrayList<>()).add(supervisor.provider()));
    byType.forEach((type, named) -> {
      if (named.size() == 1 && !keys.containsKey(type)) {
        keys.put(type, named.getFirst());
      }
    });
    return Map.copyOf(keys);
  }

  /** Candidates for this intent now. */
  public RouteOptions route(PaymentIntent intent) {
    RoutingRequest request = request(intent);
    HealthSnapshot health = providers.snapshot();
    return withoutUnusable(policyRoute(request, health), request, health, intent.paymentMethod());
  }

  /**
   * Candidates for this intent now, and, for waiting: which providers of its rule the router itself holds back at
   * {@code now} and until when (asked of their supervisors and gatekeepers), with {@code maxPark}. A zero
   * {@code maxPark} asks nothing more of the providers.
   */
  public RouteOptions route(PaymentIntent intent, Instant now, Duration maxPark) {
    RoutingRequest request = request(intent);
    HealthSnapshot health = providers.snapshot();
    RouteOptions route = policyRoute(request, health);
    Map<String, String> unusable = unusable(intent.paymentMethod());
    if (maxPark.isZero() && unusable.isEmpty()) {
      return route;
    }
    // The rule's providers, looked up once for both the wait and the payment method.
    List<String> ruleProviders = ruleProviders(request, health);
    if (!maxPark.isZero()) {
      Map<String, Instant> heldBack = new HashMap<>();
      for (String provider : ruleProviders) {
        if (!unusable.containsKey(provider)) {
          providers.readyAt(provider, now).filter(ready -> ready.isAfter(now))
              .ifPresent(ready -> heldBack.put(provider, ready));
        }
      }
      route = route.withParking(heldBack, maxPark);
    }
    return unusable.isEmpty() ? route : route.withoutUnusable(unusable, ruleProviders);
  }

  /** Candidates for a new intent with these facts and this payment method now. */
  public RouteOptions route(RoutingRequest request, PaymentMethod method) {
    HealthSnapshot health = providers.snapshot();
    return withoutUnusable(policyRoute(request, health), request, health, method);
  }

  /**
   * Why each configured provider cannot charge this payment method; empty when all can. A provider with no usable
   * token is never offered: sending it a token of another provider would at best be refused, at worst charge a
   * different card.
   */
  Map<String, String> unusable(PaymentMethod method) {
    if (!method.hasToken()) {
      // Its stored tokens cannot be read (see IntentStore): its attempts end not sent, payment_method_unavailable,
      // which says what happened, rather than every provider being skipped as if the merchant had given no token.
      return Map.of();
    }
    Map<String, String> unusable = null;
    for (String provider : names) {
      String token = method.tokenFor(provider);
      String why = token == null ? NO_TOKEN : providers.canUse(provider, token) ? null : TOKEN_NOT_USABLE;
      if (why != null) {
        if (unusable == null) {
          unusable = new LinkedHashMap<>();
        }
        unusable.put(provider, why);
      }
    }
    return unusable == null ? Map.of() : unusable;
  }

  private RouteOptions withoutUnusable(
      RouteOptions route, RoutingRequest request, HealthSnapshot health, PaymentMethod method) {
    Map<String, String> unusable = unusable(method);
    // The common case (every provider can use the token) costs no second look at the rule.
    return unusable.isEmpty() ? route : route.withoutUnusable(unusable, ruleProviders(request, health));
  }

  /** The rule's providers as if all were available: those left out now are the ones a wait may be for. */
  private List<String> ruleProviders(RoutingRequest request, HealthSnapshot health) {
    Map<String, ProviderAvailability> everyone = new HashMap<>();
    health.providers().keySet().forEach(provider -> everyone.put(provider, ProviderAvailability.AVAILABLE));
    return policyRoute(request, new HealthSnapshot(everyone, health.successRates())).candidates();
  }

  /**
   * The merchant's policy applied (its own rules, then the global ones), without the providers it is not allowed:
   * those are never candidates and never waited for, as if they were not configured at all.
   */
  private RouteOptions policyRoute(RoutingRequest request, HealthSnapshot health) {
    if (merchants == null) {
      return policy.route(request, health);
    }
    RouteOptions route = merchants.policy(request.merchantId()).route(request, health);
    MerchantSettings settings = merchants.settings(request.merchantId());
    return settings.allowedProviders().isEmpty()
        ? route
        : new RouteOptions(route.candidates().stream().filter(settings::allows).toList(), route.maxAttempts(),
            route.rule());
  }

  /** The routing facts of an intent. */
  static RoutingRequest request(PaymentIntent intent) {
    return new RoutingRequest(
        intent.id(), intent.merchantId(), intent.amount().amountMinor(), intent.amount().currency(),
        intent.paymentMethod().type(), intent.paymentMethod().country(), intent.metadata());
  }
}
