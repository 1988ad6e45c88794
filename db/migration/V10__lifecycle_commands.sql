-- The payment lifecycle reaches merchants (issue 11): their captures, cancels and refunds are idempotent under their
-- own keys, refunds are found and listed by merchant, and an intent whose capture, cancel or refund is open (or whose
-- authorization will expire) is recovered like an open one.

-- A merchant's key for a capture, cancel or refund request: reserved, with the request's hash and the modification it
-- names, before the command reaches the intent, so that every retry under the key names the same modification. Keys
-- share one namespace per merchant across the three operations (the hash covers the operation and the intent).
create table api_idempotency_keys (
    merchant_id     text        not null,
    idempotency_key text        not null,
    operation       text        not null check (operation in ('capture', 'cancel', 'refund')),
    request_hash    text        not null,
    intent_id       text        not null references payment_intents (id),
    modification_id text        not null,
    created_at      timestamptz not null,
    primary key (merchant_id, idempotency_key)
);

alter table payment_modifications add column merchant_id text;
alter table payment_modifications add column metadata jsonb not null default '{}'::jsonb;
update payment_modifications pm set merchant_id = p.merchant_id from payment_intents p where p.id = pm.intent_id;
alter table payment_modifications alter column merchant_id set not null;

-- GET /v1/refunds/{id} and the merchant's refunds newest first (ids grow with time), one range per page.
create index payment_modifications_refunds on payment_modifications (merchant_id, modification_id desc)
    where kind = 'refund';

-- What the sentinel scans: besides open intents, any intent with a check due (an unknown or pending capture, cancel or
-- refund; an authorization about to expire).
drop index payment_intents_recoverable;
create index payment_intents_recoverable on payment_intents (next_check_at)
    where unresolved_reason is null and (status in ('pending', 'processing') or next_check_at is not null);

-- V9's function, with the modification rows read by their column names (jsonb_populate_recordset), so that a later
-- column needs no new copy of it.
create or replace function payment_router_append_transitions(batch jsonb) returns setof text
language plpgsql as $$
declare
  t record;
  written text[] := '{}';
begin
  for t in
    select * from jsonb_to_recordset(batch -> 'intents') as i(id text, expected bigint, owner text, status text,
        failure_code text, unresolved_reason text, version bigint, updated_at timestamptz, lease_until timestamptz,
        next_check_at timestamptz, check_count int)
  loop
    update payment_intents p
       set status = t.status, failure_code = t.failure_code, unresolved_reason = t.unresolved_reason,
           version = t.version, updated_at = t.updated_at, lease_until = t.lease_until,
           next_check_at = t.next_check_at, check_count = t.check_count,
           -- A final intent makes no more attempts: its token is erased with the status that says so.
           payment_token = case when payment_router_is_final(t.status) then null else p.payment_token end,
           payment_token_key = case when payment_router_is_final(t.status) then null else p.payment_token_key end,
           payment_method = case when payment_router_is_final(t.status) then p.payment_method - 'token'
                                 else p.payment_method end
     where p.id = t.id and p.version = t.expected and p.owner = t.owner;
    if found then
      written := written || t.id;
    end if;
  end loop;

  insert into intent_events (intent_id, sequence, type, payload, occurred_at)
  select e.intent_id, e.sequence, e.type, e.payload, e.occurred_at
    from jsonb_to_recordset(batch -> 'events') as e(intent_id text, sequence bigint, type text, payload jsonb,
        occurred_at timestamptz)
   where e.intent_id = any (written);

  insert into payment_attempts as pa (intent_id, attempt_number, provider, provider_idempotency_key, status,
      provider_reference, decline_code, error_code, routing_rule, routing_candidates, created_at, updated_at)
  select a.intent_id, a.attempt_number, a.provider, a.provider_idempotency_key, a.status, a.provider_reference,
      a.decline_code, a.error_code, a.routing_rule, a.routing_candidates, a.created_at, a.updated_at
    from jsonb_to_recordset(batch -> 'attempts') as a(intent_id text, attempt_number int, provider text,
        provider_idempotency_key text, status text, provider_reference text, decline_code text, error_code text,
        routing_rule text, routing_candidates jsonb, created_at timestamptz, updated_at timestamptz)
   where a.intent_id = any (written)
  on conflict (intent_id, attempt_number) do update
     set status = excluded.status, provider_reference = excluded.provider_reference,
         decline_code = excluded.decline_code, error_code = excluded.error_code, updated_at = excluded.updated_at;

  insert into payment_modifications as pm
  select m.*
    from jsonb_populate_recordset(null::payment_modifications, coalesce(batch -> 'modifications', '[]'::jsonb)) m
   where m.intent_id = any (written)
  on conflict (intent_id, modification_id) do update
     set status = excluded.status, provider_reference = excluded.provider_reference,
         failure_code = excluded.failure_code, updated_at = excluded.updated_at;

  return query select unnest(written);
end
$$;
