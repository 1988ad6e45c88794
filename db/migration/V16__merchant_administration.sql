-- Merchant administration (issue 13, part M): operators create and disable merchants, issue, rotate and revoke their
-- API keys, and set per-merchant settings, on the operator API. Keys stay stored only as SHA-256 hashes.

-- A disabled merchant's keys stop working (within the key cache's TTL on every node); its open intents go on.
-- settings is the document an operator last set (PUT /operator/v1/merchants/{id}/settings), already checked.
alter table merchants add column created_by text;
alter table merchants add column disabled_at timestamptz;
alter table merchants add column disabled_by text;
alter table merchants add column settings jsonb not null default '{}'::jsonb;
alter table merchants add column settings_updated_at timestamptz;

-- Keys get a public id (to list and revoke them without ever showing the key) and may expire: a rotation gives the
-- keys it replaces an expiry instead of revoking them, so that clients have a grace period to switch.
alter table api_keys add column id text;
update api_keys set id = 'key_' || substr(md5(key_hash || random()::text), 1, 24) where id is null;
alter table api_keys alter column id set not null;
create unique index api_keys_id on api_keys (id);
alter table api_keys add column created_by text;
alter table api_keys add column expires_at timestamptz;
alter table api_keys add column revoked_by text;

-- Who did what to a merchant, in order; the operator's name comes from the operator credential.
create table merchant_events (
    merchant_id text        not null references merchants (id),
    occurred_at timestamptz not null,
    operator    text        not null,
    action      text        not null,
    detail      jsonb       not null default '{}'::jsonb
);

create index merchant_events_merchant on merchant_events (merchant_id, occurred_at);

-- Each node reloads the merchants whose settings differ from the defaults at every key-cache TTL.
create index merchants_with_settings on merchants (id) where settings <> '{}'::jsonb;
