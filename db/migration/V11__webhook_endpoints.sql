-- Merchant webhook endpoints (issue 12, part E): where a merchant wants its events sent, which events, and the
-- secrets deliveries are signed with (Standard Webhooks).
--
-- Secrets at rest: secret holds the signing secret encrypted by the router with its token key ring (AES-256-GCM,
-- nonce || ciphertext || tag, the endpoint id as associated data, so that a ciphertext copied onto another
-- endpoint's row does not open); secret_key names the router's key that encrypted it. The database never sees a
-- secret or a key.
--
-- Rotation: the secret being replaced moves, still encrypted, to previous_secret and keeps signing beside the new one
-- until previous_secret_expires_at; after that it is ignored (and dropped by the next rotation).
--
-- Deletion keeps the row (deliveries and their log name it) but erases both secrets: a deleted endpoint can never
-- sign, hence never receive, another delivery.
create table webhook_endpoints (
    id                         text        primary key,
    merchant_id                text        not null references merchants (id),
    url                        text        not null,
    -- Wire names of the subscribed event types, or {*} for every type, present and future.
    events                     text[]      not null check (cardinality(events) > 0),
    secret                     bytea,
    secret_key                 text,
    previous_secret            bytea,
    previous_secret_key        text,
    previous_secret_expires_at timestamptz,
    status                     text        not null check (status in ('enabled', 'disabled')),
    disabled_reason            text,
    created_at                 timestamptz not null,
    updated_at                 timestamptz not null,
    deleted_at                 timestamptz,
    check ((deleted_at is null) = (secret is not null and secret_key is not null))
);

-- A merchant's endpoints, newest first (ids grow with time): the list, its pages, and the outbox's look-up of who
-- subscribes to an event.
create index webhook_endpoints_by_merchant on webhook_endpoints (merchant_id, id desc) where deleted_at is null;
