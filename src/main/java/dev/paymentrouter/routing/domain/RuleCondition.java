package dev.paymentrouter.routing.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** One condition of a routing rule; a rule matches when all of its conditions hold. */
public sealed interface RuleCondition {

  /** The value of a metadata condition that only asks for the key to be present. */
  String ANY_VALUE = "*";

  /** Whether this intent meets the condition. */
  default boolean matches(RoutingRequest request) {
    return switch (this) {
      case CurrencyIn c -> contains(c.currencies(), upper(request.currency()));
      case AmountBetween a -> request.amountMinor() >= a.min() && request.amountMinor() <= a.max();
      case PaymentMethodTypeIn p -> contains(p.types(), lower(request.paymentMethodType()));
      case CountryIn c -> contains(c.countries(), upper(request.country()));
      case MerchantIn m -> contains(m.merchants(), request.merchantId());
      case MetadataMatches m -> m.expected().entrySet().stream().allMatch(entry -> {
        String actual = request.metadata().get(entry.getKey());
        return actual != null && (ANY_VALUE.equals(entry.getValue()) || entry.getValue().equals(actual));
      });
    };
  }

  /** The intent's currency is one of these ISO-4217 codes (any case). */
  record CurrencyIn(Set<String> currencies) implements RuleCondition {
    public CurrencyIn {
      currencies = normalized(currencies, "currencies", true);
    }
  }

  /** The amount in minor units lies within {@code [min, max]}, both inclusive. */
  record AmountBetween(long min, long max) implements RuleCondition {
    public AmountBetween {
      if (min > max) {
        throw new IllegalArgumentException("min amount " + min + " is above max amount " + max);
      }
    }

    /** At least {@code min}. */
    public static AmountBetween atLeast(long min) {
      return new AmountBetween(min, Long.MAX_VALUE);
    }

    /** At most {@code max}. */
    public static AmountBetween atMost(long max) {
      return new AmountBetween(Long.MIN_VALUE, max);
    }
  }

  /** The payment method is of one of these types, e.g. {@code card} (any case). */
  record PaymentMethodTypeIn(Set<String> types) implements RuleCondition {
    public PaymentMethodTypeIn {
      types = normalized(types, "payment method types", false);
    }
  }

  /** The card was issued in one of these countries (ISO 3166-1 alpha-2, any case); an intent without one fails. */
  record CountryIn(Set<String> countries) implements RuleCondition {
    public CountryIn {
      countries = normalized(countries, "countries", true);
    }
  }

  /** The intent belongs to one of these merchants (ids compared exactly). */
  record MerchantIn(Set<String> merchants) implements RuleCondition {
    public MerchantIn {
      merchants = Set.copyOf(merchants);
      if (merchants.isEmpty()) {
        throw new IllegalArgumentException("merchants must not be empty");
      }
    }
  }

  /** Every key is in the intent's metadata with exactly this value, or with any value where the value is {@code *}. */
  record MetadataMatches(Map<String, String> expected) implements RuleCondition {
    public MetadataMatches {
      expected = Map.copyOf(expected);
      if (expected.isEmpty()) {
        throw new IllegalArgumentException("metadata must not be empty");
      }
    }
  }

  private static Set<String> normalized(Set<String> values, String what, boolean upperCase) {
    Objects.requireNonNull(values, what);
    if (values.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return values.stream().map(v -> upperCase ? upper(v) : lower(v)).collect(Collectors.toUnmodifiableSet());
  }

  private static boolean contains(Set<String> values, String value) {
    // Immutable sets throw on contains(null); a missing fact (no card country) simply does not match.
    return value != null && values.contains(value);
  }

  private static String upper(String value) {
    return value == null ? null : value.toUpperCase(Locale.ROOT);
  }

  private static String lower(String value) {
    return value == null ? null : value.toLowerCase(Locale.ROOT);
  }
}
