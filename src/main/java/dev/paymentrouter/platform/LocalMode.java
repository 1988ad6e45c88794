package dev.paymentrouter.platform;

import org.springframework.core.env.Environment;

/**
 * Whether the router runs in local mode ({@code payment-router.local-mode=true}, set by {@code ./mvnw
 * spring-boot:run}): the only mode in which it may fill in what a deployment must state (a provider's connector
 * type, an operator token, a token-encryption key) with a local default, and it says so when it does.
 */
public final class LocalMode {

  /** The property that turns local mode on. */
  public static final String PROPERTY = "payment-router.local-mode";

  private LocalMode() {}

  /** True only when the property says so; a deployment that sets nothing is not local. */
  public static boolean isOn(Environment environment) {
    return environment.getProperty(PROPERTY, Boolean.class, false);
  }
}
