package dev.paymentrouter.stripeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stripe's form encoding with brackets, as its clients write it. */
class StripeParamsTest {

  @Test
  void readsPlainValuesHashesAndArraysAsStripesClientsEncodeThem() {
    StripeParams params = StripeParams.parse("amount=1299&currency=eur&metadata[order_id]=6735"
        + "&metadata[note]=gift+wrap%21&payment_method_types[0]=card&expand[]=latest_charge&created[gte]=1700000000");

    assertThat(params.text("amount")).isEqualTo("1299");
    assertThat(params.hash("metadata")).containsExactly(Map.entry("order_id", "6735"), Map.entry("note", "gift wrap!"));
    assertThat(params.array("payment_method_types")).containsExactly("card");
    assertThat(params.array("expand")).containsExactly("latest_charge");
    assertThat(params.hash("created")).containsEntry("gte", "1700000000");
    assertThat(params.names()).containsExactly("amount", "currency", "metadata", "payment_method_types", "expand",
        "created");
  }

  @Test
  void anEmptyHashUnsetsAllOfItAndAnEmptyKeyUnsetsOne() {
    StripeParams params = StripeParams.parse("metadata=&description=");

    assertThat(params.cleared("metadata")).isTrue();
    assertThat(params.hash("metadata")).isEmpty();
    assertThat(params.text("description")).isEmpty();
    assertThat(StripeParams.parse("metadata[old]=").hash("metadata")).containsEntry("old", "");
  }

  @Test
  void refusesAValueGivenTwiceOrNestedWhereAPlainOneBelongs() {
    assertThatThrownBy(() -> StripeParams.parse("amount=1&amount=2").text("amount"))
        .isInstanceOfSatisfying(StripeApiError.class, error -> assertThat(error.param()).isEqualTo("amount"));
    assertThatThrownBy(() -> StripeParams.parse("amount[x]=1").text("amount"))
        .isInstanceOfSatisfying(StripeApiError.class, error -> assertThat(error.status()).isEqualTo(400));
    assertThatThrownBy(() -> StripeParams.parse("metadata=notahash").hash("metadata"))
        .isInstanceOf(StripeApiError.class);
    assertThatThrownBy(() -> StripeParams.parse("amount=%zz"))
        .isInstanceOfSatisfying(StripeApiError.class, error -> assertThat(error.type())
            .isEqualTo(StripeApiError.INVALID_REQUEST));
  }

  @Test
  void basicCredentialsBecomeTheBearerKeyTheRouterReads() {
    assertThat(StripeDoorFilter.bearer("Basic c2tfdGVzdF9hYmM6")).isEqualTo("Bearer sk_test_abc");
    assertThat(StripeDoorFilter.bearer("Bearer sk_test_abc")).isNull();
    assertThat(StripeDoorFilter.bearer("Basic !!!")).isNull();
  }
}
