package dev.paymentrouter.merchant.domain;

import java.util.Objects;

/** A merchant using the router; every intent belongs to exactly one. */
public record Merchant(String id, String name) {

  public Merchant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
