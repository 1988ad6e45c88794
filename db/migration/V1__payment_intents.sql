-- Merchants and the hashes of their API keys. Keys themselves are never stored.
create table merchants (
    id         text primary key,
    name       text        not null,
    created_at timestamptz not null default now()
);

create table api_keys (
    key_hash    text primary key,
    merchant_id text        not null references merchants (id),
    key_prefix  text        not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

create index api_keys_merchant on api_keys (merchant_id);

-- Current state of each intent: one row, changed only by its owner, guarded by version
-- (the number of events appended so far).
create table payment_intents (
    id              text primary key,
    merchant_id     text        not null references merchants (id),
    idempotency_key text        not null,
    request_hash    text        not null,
    status          text        not null check (status in ('pending', 'processing', 'succeeded', 'failed')),
    amount          bigint      not null check (amount > 0),
    currency        char(3)     not null,
    payment_method  jsonb       not null,
    reference       text,
    metadata        jsonb       not null default '{}'::jsonb,
    failure_code    text,
    version         bigint      not null check (version > 0),
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    -- The idempotency guarantee of the API rests on this constraint.
    constraint payment_intents_idempotency unique (merchant_id, idempotency_key)
);

-- Unfinished intents are what recovery scans for; keep that scan small.
create index payment_intents_open on payment_intents (updated_at) where status in ('pending', 'processing');

-- One row per provider attempt, each with its own provider-side idempotency key.
create table payment_attempts (
    intent_id                text        not null references payment_intents (id),
    attempt_number           int         not null check (attempt_number > 0),
    provider                 text        not null,
    provider_idempotency_key text        not null unique,
    status                   text        not null check (status in ('in_flight', 'approved', 'declined', 'not_sent', 'unknown')),
    provider_reference       text,
    decline_code             text,
    error_code               text,
    created_at               timestamptz not null,
    updated_at               timestamptz not null,
    primary key (intent_id, attempt_number)
);

-- The audit trail: every transition of every intent, appended, never updated.
create table intent_events (
    intent_id   text        not null references payment_intents (id),
    sequence    bigint      not null check (sequence > 0),
    type        text        not null,
    payload     jsonb       not null,
    occurred_at timestamptz not null,
    primary key (intent_id, sequence)
);
