-- The merchant's details of an intent (issue 16): a description beside its metadata, and both changeable after the
-- create by the intent's owner (IntentAnnotated), in the same statement as the event that says so. The two batch
-- functions are V9's insert and V10's append with these additions.
alter table payment_intents add column description text;

create or replace function payment_router_insert_intents(batch jsonb) returns setof text
language plpgsql as $$
begin
  return query
  with written as (
    insert into payment_intents (id, merchant_id, idempotency_key, request_hash, status, amount, currency,
        payment_method, payment_token, payment_token_key, reference, metadata, failure_code, version, deadline, owner,
        lease_until, next_check_at, check_count, created_at, updated_at, capture_method, description)
    select i.id, i.merchant_id, i.idempotency_key, i.request_hash, i.status, i.amount, i.currency, i.payment_method,
        i.payment_token, i.payment_token_key, i.reference, i.metadata, i.failure_code, i.version, i.deadline,
        i.owner, i.lease_until, i.next_check_at, i.check_count, i.created_at, i.updated_at,
        coalesce(i.capture_method, 'automatic'), i.description
      from jsonb_to_recordset(batch -> 'intents') as i(id text, merchant_id text, idempotency_key text,
          request_hash text, status text, amount bigint, currency text, payment_method jsonb, payment_token bytea,
          payment_token_key text, reference text, metadata jsonb, failure_code text, version bigint,
          deadline timestamptz, owner text, lease_until timestamptz, next_check_at timestamptz, check_count int,
          created_at timestamptz, updated_at timestamptz, capture_method text, description text)
    on conflict (merchant_id, idempotency_key) do nothing
    returning payment_intents.id),
  events as (
    insert into intent_events (intent_id, sequence, type, payload, occurred_at)
    select e.intent_id, e.sequence, e.type, e.payload, e.occurred_at
      from jsonb_to_recordset(batch -> 'events') as e(intent_id text, sequence bigint, type text, payload jsonb,
          occurred_at timestamptz)
     where e.intent_id in (select w.id from written w)),
  attempts as (
    insert into payment_attempts (intent_id, attempt_number, provider, provider_idempotency_key, status,
        provider_reference, decline_code, error_code, routing_rule, routing_candidates, created_at, updated_at)
    select a.intent_id, a.attempt_number, a.provider, a.provider_idempotency_key, a.status, a.provider_reference,
        a.decline_code, a.error_code, a.routing_rule, a.routing_candidates, a.created_at, a.updated_at
      from jsonb_to_recordset(batch -> 'attempts') as a(intent_id text, attempt_number int, provider text,
          provider_idempotency_key text, status text, provider_reference text, decline_code text, error_code text,
          routing_rule text, routing_candidates jsonb, created_at timestamptz, updated_at timestamptz)
     where a.intent_id in (select w.id from written w))
  select w.id from written w;
end
$$;

-- A transition writes metadata and description only when it carries "details": true (a change of them); every
-- other transition leaves them as they are.
create or replace function payment_router_append_transitions(batch jsonb) returns setof text
language plpgsql as $$
declare
  t record;
  written text[] := '{}';
begin
  for t in
    select * from jsonb_to_recordset(batch -> 'intents') as i(id text, expected bigint, owner text, status text,
        failure_code text, unresolved_reason text, version bigint, updated_at timestamptz, lease_until timestamptz,
        next_check_at timestamptz, check_count int, details boolean, metadata jsonb, description text)
  loop
    update payment_intents p
       set status = t.status, failure_code = t.failure_code, unresolved_reason = t.unresolved_reason,
           version = t.version, updated_at = t.updated_at, lease_until = t.lease_until,
           next_check_at = t.next_check_at, check_count = t.check_count,
           -- A final intent makes no more attempts: its token is erased with the status that says so.
           payment_token = case when payment_router_is_final(t.status) then null else p.payment_token end,
           payment_token_key = case when payment_router_is_final(t.status) then null else p.payment_token_key end,
           payment_method = case when payment_router_is_final(t.status) then p.payment_method - 'token'
                                 else p.payment_method end,
           metadata = case when t.details then t.metadata else p.metadata end,
           description = case when t.details then t.description else p.description end
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
