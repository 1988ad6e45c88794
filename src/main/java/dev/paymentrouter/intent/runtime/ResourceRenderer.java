package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;

/**
 * The API's view of an intent and of a refund, for the events that tell merchants about them: an event carries the
 * resource exactly as {@code GET} shows it. Implemented by the API layer (which owns the views), so that the runtime
 * does not depend on it.
 */
public interface ResourceRenderer {

  /** The intent as the API shows it; any object Jackson writes. */
  Object intent(PaymentIntent intent);

  /** The refund as the API shows it; any object Jackson writes. */
  Object refund(PaymentIntent intent, Modification refund);
}
