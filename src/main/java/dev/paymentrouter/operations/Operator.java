package dev.paymentrouter.operations;

import java.security.Principal;

/** An authenticated operator, the exchange's principal on the management endpoints; its name is who acted. */
record Operator(String name) implements Principal {

  @Override
  public String getName() {
    return name;
  }
}
