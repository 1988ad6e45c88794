package dev.paymentrouter.stripeapi;

import dev.paymentrouter.api.IntentStarter;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.Decision.Rejection;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.runtime.CreateRequest;
import dev.paymentrouter.intent.runtime.IntentIds;
import dev.paymentrouter.intent.runtime.IntentLifecycle.CommandResult;
import dev.paymentrouter.intent.runtime.IntentLifecycle;
import dev.paymentrouter.intent.runtime.IntentLookup;
import dev.paymentrouter.intent.runtime.IntentReader;
import dev.paymentrouter.intent.runtime.IntentStore;
import dev.paymentrouter.intent.runtime.StartResult;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.platform.PageQuery;
import dev.paymentrouter.stripeapi.PaymentIntentParams.ListQuery;
import dev.paymentrouter.stripeapi.StripeRequests.StripeRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Stripe's PaymentIntents, served by the router's intents: a create with {@code confirm=true} is a create of an
 * intent (the router's rules pick its provider), one without is a draft ({@link StripeDrafts}) until its confirmation
 * creates the intent under the draft's id; capture and cancel are the intent's lifecycle commands, an update of
 * metadata or description its {@link IntentCommand.Annotate}. Keys: a create's {@code Idempotency-Key} is the
 * intent's, capture's and cancel's are the commands' (prefixed {@code stripe:}, so that they never meet the native
 * door's), and a confirmation's is kept on its draft.
 */
final class PaymentIntentsHandler {

  static final String PATH = "/v1/payment_intents";
  /** The native key of a draft's one intent: every confirmation of the draft, retried or not, names the same one. */
  private static final String CONFIRM_KEY = "stripe:confirm:";
  private static final String KEY_PREFIX = "stripe:";

  private final StripeRequests requests;
  private final IntentStarter starter;
  private final IntentLookup lookup;
  private final IntentLifecycle lifecycle;
  private final IntentStore store;
  private final StripeDrafts drafts;
  private final IntentIds ids;
  private final Clock clock;
  private final Duration wait;
  private final Duration retryAfter;

  PaymentIntentsHandler(StripeRequests requests, IntentStarter starter, IntentLookup lookup,
      IntentLifecycle lifecycle, IntentStore store, StripeDrafts drafts, IntentIds ids, Clock clock, Duration wait,
      Duration retryAfter) {
    this.requests = requests;
    this.starter = starter;
    this.lookup = lookup;
    this.lifecycle = lifecycle;
    this.store = store;
    this.drafts = drafts;
    this.ids = ids;
    this.clock = clock;
    this.wait = wait;
    this.retryAfter = retryAfter;
  }

  /** {@code POST /v1/payment_intents}. */
  Mono<ServerResponse> create(ServerRequest request) {
    return requests.post(request).flatMap(post -> {
      PaymentIntentParams.Create create = PaymentIntentParams.create(post.params());
      if (!create.confirm()) {
        return createDraft(post, create);
      }
      if (create.paymentMethod() == null) {
        throw StripeApiError.missing("payment_method");
      }
      Merchant merchant = post.merchant();
      String key = KEY_PREFIX + key(post);
      return starter.start(correlation -> new CreateRequest(merchant.id(),
              new Money(create.amount(), create.currency()), card(create.paymentMethod()), null, create.metadata(),
              key, create.hash(), create.captureMethod(), correlation, create.description()), null)
          .flatMap(result -> started(result, merchant));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code GET /v1/payment_intents/{id}}. */
  Mono<ServerResponse> retrieve(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.get(request).flatMap(get -> {
      get.params().refuseUnknown(StripeFields.EXPAND);
      return find(get.merchant(), id).flatMap(StripeResponses::ok);
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code POST /v1/payment_intents/{id}}: metadata and description; before confirmation, the payment too. */
  Mono<ServerResponse> update(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.post(request).flatMap(post -> {
      StripeDrafts.Change change = PaymentIntentParams.update(post.params());
      String merchantId = post.merchant().id();
      return lookup.current(id, merchantId)
          .map(intent -> annotate(intent, change))
          .switchIfEmpty(Mono.defer(() -> drafts.update(merchantId, id, change, clock.instant())
              .map(draft -> StripeResponses.ok(StripeObjects.paymentIntent(draft)))
              .switchIfEmpty(Mono.defer(() -> drafts.find(merchantId, id)
                  // Confirmed meanwhile: its intent takes the change now.
                  .map(draft -> draft.confirmed()
                      ? lookup.current(id, merchantId).flatMap(intent -> annotate(intent, change))
                      : Mono.<ServerResponse>error(refusedDraft(draft, "update")))
                  .defaultIfEmpty(Mono.error(missing(id)))))))
          .flatMap(answer -> answer);
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code POST /v1/payment_intents/{id}/confirm}: a draft's one confirmation creates its intent. */
  Mono<ServerResponse> confirm(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.post(request).flatMap(post -> {
      PaymentIntentParams.Confirm confirm = PaymentIntentParams.confirm(id, post.params());
      Merchant merchant = post.merchant();
      String key = key(post);
      return drafts.reserveConfirm(merchant.id(), id, key, confirm.hash(), confirm.paymentMethod(), clock.instant())
          .switchIfEmpty(Mono.defer(() -> alreadyTaken(merchant, id, key, confirm.hash())))
          .flatMap(draft -> createFromDraft(merchant, draft))
          .switchIfEmpty(Mono.error(() -> missing(id)));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code POST /v1/payment_intents/{id}/capture}. */
  Mono<ServerResponse> capture(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.post(request).flatMap(post -> {
      PaymentIntentParams.Capture capture = PaymentIntentParams.capture(id, post.params());
      return lifecycle.capture(post.merchant().id(), id, capture.amount(), KEY_PREFIX + key(post), capture.hash(),
          wait).flatMap(result -> commanded(result, post.merchant(), id, "capture"));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /** {@code POST /v1/payment_intents/{id}/cancel}: an intent's cancel, or a draft's. */
  Mono<ServerResponse> cancel(ServerRequest request) {
    String id = request.pathVariable("id");
    return requests.post(request).flatMap(post -> {
      PaymentIntentParams.Cancel cancel = PaymentIntentParams.cancel(id, post.params());
      String merchantId = post.merchant().id();
      return lifecycle.cancel(merchantId, id, cancel.reason(), KEY_PREFIX + key(post), cancel.hash(), wait)
          .flatMap(result -> result instanceof CommandResult.NotFound
              ? drafts.cancel(merchantId, id, cancel.reason(), clock.instant())
                  .map(draft -> StripeResponses.ok(StripeObjects.paymentIntent(draft)))
                  .switchIfEmpty(Mono.defer(() -> drafts.find(merchantId, id)
                      // Canceled already: the same answer again (a retry of the cancel finds it so).
                      .map(draft -> draft.canceledAt() != null
                          ? StripeResponses.ok(StripeObjects.paymentIntent(draft))
                          : Mono.<ServerResponse>error(refusedDraft(draft, "cancel")))
                      .defaultIfEmpty(Mono.error(missing(id)))))
                  .flatMap(answer -> answer)
              : commanded(result, post.merchant(), id, "cancel"));
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  /**
   * {@code GET /v1/payment_intents}: the merchant's intents and drafts, one list newest first. Each is read a page
   * deep from its cursor; the page is the first {@code limit} of both, and more follow when either had more or both
   * together had more than the page.
   */
  Mono<ServerResponse> list(ServerRequest request) {
    return requests.get(request).flatMap(get -> {
      ListQuery query = PaymentIntentParams.list(get.params());
      String merchantId = get.merchant().id();
      Mono<IntentReader.Page> intents = store.list(new IntentReader.Query(merchantId, query.limit(),
          query.startingAfter(), null, null, query.createdGte(), query.createdLt(), query.endingBefore()));
      Mono<PageQuery.Slice<StripeDrafts.Draft>> unconfirmed = drafts.list(merchantId, query.limit(),
          query.startingAfter(), query.endingBefore(), query.createdGte(), query.createdLt());
      return Mono.zip(intents, unconfirmed).flatMap(both -> {
        List<StripeObjects.PaymentIntentObject> merged = new ArrayList<>();
        both.getT1().data().forEach(intent -> merged.add(StripeObjects.paymentIntent(intent)));
        both.getT2().rows().forEach(draft -> merged.add(StripeObjects.paymentIntent(draft)));
        merged.sort(Comparator.comparing(StripeObjects.PaymentIntentObject::id).reversed());
        boolean more = both.getT1().hasMore() || both.getT2().hasMore() || merged.size() > query.limit();
        // Newest first; before a cursor the page is the one nearest to it, so the newest of both are left out.
        List<StripeObjects.PaymentIntentObject> page = query.endingBefore() == null
            ? merged.subList(0, Math.min(query.limit(), merged.size()))
            : merged.subList(Math.max(0, merged.size() - query.limit()), merged.size());
        return StripeResponses.ok(StripeObjects.list(List.copyOf(page), more, PATH));
      });
    }).onErrorResume(failure -> StripeResponses.failure(failure, request.exchange()));
  }

  private Mono<ServerResponse> createDraft(StripeRequest post, PaymentIntentParams.Create create) {
    Merchant merchant = post.merchant();
    return drafts.create(ids.next(), merchant.id(), key(post), create.hash(), create.amount(), create.currency(),
            create.captureMethod(), create.paymentMethod(), create.metadata(), create.description(), clock.instant())
        .flatMap(stored -> {
          StripeDrafts.Draft draft = stored.draft();
          if (stored.replayed() && !draft.requestHash().equals(create.hash())) {
            return Mono.error(StripeApiError.idempotencyMismatch());
          }
          // A replay of a create whose PaymentIntent was confirmed since answers it as it now is.
          Mono<Object> current = draft.confirmed()
              ? lookup.current(draft.id(), merchant.id()).map(StripeObjects::paymentIntent)
              : Mono.just(StripeObjects.paymentIntent(draft));
          return current.flatMap(body -> stored.replayed() ? StripeResponses.replayed(body)
              : StripeResponses.ok(body));
        });
  }

  /** Creates the intent of a draft whose confirmation this is (or a retry of it), under the draft's id. */
  private Mono<ServerResponse> createFromDraft(Merchant merchant, StripeDrafts.Draft draft) {
    String token = drafts.paymentMethod(draft);
    if (token == null) {
      if (draft.confirmed()) {
        return lookup.settled(draft.id(), merchant.id(), wait)
            .flatMap(intent -> answer(intent, true))
            .switchIfEmpty(Mono.error(() -> missing(draft.id())));
      }
      return Mono.error(StripeApiError.invalid("payment_intent_unexpected_state", "payment_method",
          "The payment method of this PaymentIntent can no longer be read; confirm it with payment_method."));
    }
    return starter.start(correlation -> new CreateRequest(merchant.id(), new Money(draft.amount(), draft.currency()),
            card(token), null, draft.metadata(), CONFIRM_KEY + draft.id(), draft.confirmHash(),
            draft.captureMethod(), correlation, draft.description()), draft.id())
        .flatMap(result -> afterStart(draft, result).thenReturn(result))
        .flatMap(result -> started(result, merchant));
  }

  /**
   * What a confirmation's create leaves on its draft: the intent exists, so the payment method goes; or nothing was
   * stored (refused, overloaded), so the draft is free for another confirmation, with another key or payment method;
   * or it may exist, so the draft stays taken by this confirmation, whose retry finds out.
   */
  private Mono<Void> afterStart(StripeDrafts.Draft draft, StartResult result) {
    return switch (result) {
      case StartResult.Created created -> drafts.eraseToken(draft.id());
      case StartResult.Duplicate duplicate -> drafts.eraseToken(draft.id());
      case StartResult.Rejected rejected -> drafts.releaseConfirm(draft.id(), draft.confirmKey());
      case StartResult.Overloaded overloaded -> drafts.releaseConfirm(draft.id(), draft.confirmKey());
      case StartResult.MerchantLimited limited -> drafts.releaseConfirm(draft.id(), draft.confirmKey());
      case StartResult.NotStored notStored -> drafts.releaseConfirm(draft.id(), draft.confirmKey());
      case StartResult.MayExist mayExist -> Mono.empty();
    };
  }

  /**
   * Why a confirmation did not get its draft: an earlier try of it did (it goes on as that one), it was confirmed
   * (by another confirmation, or at its create: its status refuses), it was canceled, or it has no payment method to
   * confirm with. Empty when neither a draft nor an intent has the id.
   */
  private Mono<StripeDrafts.Draft> alreadyTaken(Merchant merchant, String id, String key, String hash) {
    return drafts.find(merchant.id(), id)
        .flatMap(draft -> {
          if (key.equals(draft.confirmKey())) {
            return draft.confirmHash().equals(hash) ? Mono.just(draft)
                : Mono.<StripeDrafts.Draft>error(StripeApiError.idempotencyMismatch());
          }
          if (draft.confirmed()) {
            return confirmedAlready(merchant, id);
          }
          if (draft.confirmKey() == null && draft.canceledAt() == null) {
            return Mono.error(StripeApiError.invalid("payment_intent_unexpected_state", "payment_method",
                "You cannot confirm this PaymentIntent because it's missing a payment method. Update it with a "
                    + "payment_method, or confirm it with one."));
          }
          return Mono.error(refusedDraft(draft, "confirm"));
        })
        .switchIfEmpty(Mono.defer(() -> confirmedAlready(merchant, id)));
  }

  private Mono<StripeDrafts.Draft> confirmedAlready(Merchant merchant, String id) {
    return lookup.current(id, merchant.id()).flatMap(intent -> Mono.error(StripeApiError.unexpectedState(
        "You cannot confirm this PaymentIntent because it has a status of " + StripeStatus.of(intent) + ".",
        StripeObjects.paymentIntent(intent))));
  }

  /** The answer to a create of an intent (with {@code confirm=true}, or by a draft's confirmation). */
  private Mono<ServerResponse> started(StartResult result, Merchant merchant) {
    return switch (result) {
      case StartResult.Created created -> created.process().awaitSettled(wait)
          .defaultIfEmpty(created.intent())
          .flatMap(intent -> answer(intent, false));
      case StartResult.Duplicate duplicate -> duplicate.sameRequest()
          ? settled(duplicate.existingIntentId(), merchant, true)
          : Mono.error(StripeApiError.idempotencyMismatch());
      case StartResult.Rejected rejected -> Mono.error(
          Rejection.NO_USABLE_PAYMENT_METHOD.code().equals(rejected.code())
              ? StripeApiError.invalid("payment_method_unusable", "payment_method",
                  "No provider the router may use can charge this payment method (" + rejected.message()
                      + "); nothing was stored.")
              : IntentTransitions.NO_PROVIDER_AVAILABLE.equals(rejected.code())
              ? StripeApiError.unavailable(rejected.code(),
                  "No payment provider can take a payment now; nothing was stored.", retryAfter)
              : StripeApiError.invalid(rejected.code(), null, rejected.message()));
      case StartResult.Overloaded overloaded -> Mono.error(overloaded());
      case StartResult.MerchantLimited limited -> Mono.error(StripeApiError.rateLimited("too_many_active_intents",
          "This account already has " + starter.capacityPerMerchant() + " payments in flight on this node; nothing "
              + "was stored, retry later.", retryAfter));
      case StartResult.NotStored notStored -> Mono.error(StripeApiError.unavailable("timeout",
          "The payment could not be recorded in time; nothing was stored, retry with the same Idempotency-Key.",
          retryAfter));
      case StartResult.MayExist mayExist -> Mono.error(StripeApiError.unavailable("outcome_unknown",
          "The payment may have been recorded (" + mayExist.reason() + "); retry with the same Idempotency-Key: "
              + "you get it if it exists, else it is created.", retryAfter));
    };
  }

  private Mono<ServerResponse> settled(String id, Merchant merchant, boolean replayed) {
    return lookup.settled(id, merchant.id(), wait)
        .switchIfEmpty(Mono.error(() -> StripeApiError.internal("The payment of this key was not found.")))
        .flatMap(intent -> answer(intent, replayed));
  }

  /**
   * A confirmed PaymentIntent: a 402 {@code card_error} with it when its payment was declined (as Stripe answers a
   * confirmation the card network declined), else the PaymentIntent in whatever status it has.
   */
  private static Mono<ServerResponse> answer(PaymentIntent intent, boolean replayed) {
    StripeObjects.PaymentIntentObject object = StripeObjects.paymentIntent(intent);
    if (intent.status() == IntentStatus.FAILED && !intent.attempts().isEmpty()
        && intent.attempts().getLast().status() == AttemptStatus.DECLINED) {
      StripeStatus.Decline decline = StripeStatus.decline(intent.attempts().getLast().declineCode());
      return Mono.error(StripeApiError.declined(decline.code(), decline.declineCode(), decline.message(), object));
    }
    return replayed ? StripeResponses.replayed(object) : StripeResponses.ok(object);
  }

  /** An intent's metadata and description changed through its owner; nothing else of it may change any more. */
  private Mono<ServerResponse> annotate(PaymentIntent intent, StripeDrafts.Change change) {
    Optional<String> payment = change.amount() != null ? Optional.of("amount")
        : change.currency() != null ? Optional.of("currency")
        : change.captureMethod() != null ? Optional.of("capture_method")
        : change.paymentMethod() != null ? Optional.of("payment_method") : Optional.empty();
    if (payment.isPresent()) {
      return Mono.error(StripeApiError.unexpectedState("You cannot update the " + payment.get() + " of this "
          + "PaymentIntent because it has a status of " + StripeStatus.of(intent) + ".",
          StripeObjects.paymentIntent(intent)));
    }
    if (change.metadata().isEmpty() && change.removedKeys().isEmpty() && !change.clearMetadata()
        && change.description() == null && !change.clearDescription()) {
      return StripeResponses.ok(StripeObjects.paymentIntent(intent));
    }
    IntentCommand.Annotate annotate = new IntentCommand.Annotate(change.metadata(), change.removedKeys(),
        change.clearMetadata(), change.description(), change.clearDescription(), clock.instant());
    return lifecycle.annotate(intent.merchantId(), intent.id(), annotate).flatMap(result -> switch (result) {
      case CommandResult.Done done -> StripeResponses.ok(StripeObjects.paymentIntent(done.intent()));
      case CommandResult.Rejected rejected -> Mono.error(StripeApiError.unexpectedState(
          "You cannot update this PaymentIntent because it has a status of " + StripeStatus.of(intent)
              + "; update it once its payment has an outcome.", StripeObjects.paymentIntent(intent)));
      case CommandResult.NotFound notFound -> Mono.error(missing(intent.id()));
      case CommandResult.KeyReused reused -> Mono.error(StripeApiError.idempotencyMismatch());
      case CommandResult.Unavailable unavailable -> Mono.error(busy(intent.id(), unavailable.reason()));
    });
  }

  /** The answer to a capture or cancel of an intent (or the 404 of one that is neither an intent nor a draft). */
  private Mono<ServerResponse> commanded(CommandResult result, Merchant merchant, String id, String operation) {
    return switch (result) {
      case CommandResult.Done done -> {
        Optional<Modification> failed = Optional.ofNullable(done.modificationId())
            .flatMap(done.intent()::modification)
            .filter(modification -> modification.status() == Modification.Status.FAILED);
        if (failed.isPresent()) {
          // Nothing moved and the authorization stands: the client may try again, with a new key.
          yield Mono.error(StripeApiError.invalid(failed.get().failureCode(), null, "The provider refused the "
              + operation + " of this PaymentIntent (" + failed.get().failureCode() + "); nothing moved."));
        }
        StripeObjects.PaymentIntentObject object = StripeObjects.paymentIntent(done.intent());
        yield done.replayed() ? StripeResponses.replayed(object) : StripeResponses.ok(object);
      }
      case CommandResult.Rejected rejected -> Mono.error(Rejection.AMOUNT_TOO_LARGE.code().equals(rejected.code())
          ? StripeApiError.invalid("amount_too_large", "amount_to_capture", "The amount to capture is more than "
              + "this PaymentIntent's amount_capturable.")
          : StripeApiError.unexpectedState("You cannot " + operation + " this PaymentIntent: " + rejected.message()
              + ".", null));
      case CommandResult.NotFound notFound -> drafts.find(merchant.id(), id)
          .flatMap(draft -> Mono.<ServerResponse>error(refusedDraft(draft, operation)))
          .switchIfEmpty(Mono.error(() -> missing(id)));
      case CommandResult.KeyReused reused -> Mono.error(StripeApiError.idempotencyMismatch());
      case CommandResult.Unavailable unavailable -> Mono.error(busy(id, unavailable.reason()));
    };
  }

  /** A draft refuses an operation: it is canceled, or a confirmation took it (whose intent then has the say). */
  private static StripeApiError refusedDraft(StripeDrafts.Draft draft, String operation) {
    String status = draft.canceledAt() != null ? "canceled"
        : draft.hasPaymentMethod() ? "requires_confirmation" : "requires_payment_method";
    if (draft.canceledAt() == null && draft.confirmKey() != null) {
      return StripeApiError.unexpectedState("This PaymentIntent is being confirmed; " + operation
          + " it once its confirmation has finished.", StripeObjects.paymentIntent(draft));
    }
    return StripeApiError.unexpectedState("You cannot " + operation + " this PaymentIntent because it has a status "
        + "of " + status + ".", StripeObjects.paymentIntent(draft));
  }

  private Mono<Object> find(Merchant merchant, String id) {
    return lookup.current(id, merchant.id())
        .<Object>map(StripeObjects::paymentIntent)
        .switchIfEmpty(Mono.defer(() -> drafts.find(merchant.id(), id).map(StripeObjects::paymentIntent)))
        .switchIfEmpty(Mono.error(() -> missing(id)));
  }

  /**
   * The client's key for this request, or a fresh one when it sent none: such a request is not idempotent, as at
   * Stripe (Stripe's own clients send a key with every POST).
   */
  private String key(StripeRequest post) {
    return post.idempotencyKey() != null ? post.idempotencyKey() : ids.next("key_");
  }

  private static PaymentMethod card(String paymentMethod) {
    return new PaymentMethod("card", StripeTestPaymentMethods.routerToken(paymentMethod), null);
  }

  private StripeApiError overloaded() {
    return StripeApiError.unavailable("overloaded",
        "The router is at capacity; nothing was stored, retry later.", retryAfter);
  }

  private StripeApiError busy(String id, String reason) {
    return StripeApiError.unavailable("intent_unavailable", "PaymentIntent " + id + " cannot take a request now ("
        + reason + "); retry later with the same Idempotency-Key.", retryAfter);
  }

  private static StripeApiError missing(String id) {
    return StripeApiError.missingResource("payment_intent", id, "intent");
  }
}
