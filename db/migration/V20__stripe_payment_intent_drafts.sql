-- The Stripe-compatible door (issue 16): a PaymentIntent created without confirm=true exists at Stripe before any
-- payment does. It waits here until its confirmation creates the intent, under the same id; nothing here moves money.
-- Its payment method is sealed like an intent's token (V4: AES-256-GCM under the router's key, its own id as
-- associated data), and kept only until the intent exists or it is canceled.
create table stripe_payment_intent_drafts (
    id                  text        primary key,
    merchant_id         text        not null references merchants (id),
    -- The create's Idempotency-Key and request hash: a retry of the create answers this draft again.
    idempotency_key     text        not null,
    request_hash        text        not null,
    amount              bigint      not null check (amount > 0),
    currency            char(3)     not null,
    capture_method      text        not null check (capture_method in ('automatic', 'manual')),
    payment_token       bytea,
    payment_token_key   text,
    metadata            jsonb       not null default '{}'::jsonb,
    description         text,
    -- The confirmation that took it (its key and request hash), set once: one intent per draft, whatever retries.
    confirm_key         text,
    confirm_hash        text,
    canceled_at         timestamptz,
    cancellation_reason text,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    constraint stripe_payment_intent_drafts_idempotency unique (merchant_id, idempotency_key)
);

-- The merchant's PaymentIntents newest first (ids grow with time), beside its intents.
create index stripe_payment_intent_drafts_listing on stripe_payment_intent_drafts (merchant_id, id desc);
