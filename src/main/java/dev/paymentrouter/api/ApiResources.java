package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.runtime.ResourceRenderer;
import org.springframework.stereotype.Component;

/** The API's views, lent to the runtime for the events that carry them (an event shows what {@code GET} shows). */
@Component
class ApiResources implements ResourceRenderer {

  @Override
  public Object intent(PaymentIntent intent) {
    return IntentView.of(intent);
  }

  @Override
  public Object refund(PaymentIntent intent, Modification refund) {
    return RefundView.of(intent.id(), intent.amount().currency(), refund);
  }
}
