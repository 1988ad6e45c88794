-- Group commit (IntentWriter): one call writes the transitions of many intents, in one statement and one commit.
-- The batch travels as one jsonb document, so the router sends a short statement with a single parameter instead
-- of dozens of arrays, and the plans inside are prepared once per connection. Each intent keeps its own guard: an
-- intent row that is not written (idempotency key taken, version moved, owner changed) takes its events and
-- attempts with it, and only the ids of the intents written are returned.

-- New intents: {"intents": [...], "events": [...], "attempts": [...]}; returns the ids stored. One statement, and
-- its attempts are plain inserts: they are new, and the upsert the transitions need (speculative insertion) costs
-- more (a version sharing one events-and-attempts function with the transitions used 0.82 instead of 0.55 ms of
-- database CPU per intent in the benchmark, though at a lower rate), so the two functions keep their own.
create function payment_router_insert_intents(batch jsonb) returns setof text
language plpgsql as $$
begin
  return query
  with written as (
    insert into payment_intents (id, merchant_id, idempotency_key, request_hash, status, amount, currency,
        payment_method, reference, metadata, failure_code, version, deadline, owner, lease_until, next_check_at,
        check_count, created_at, updated_at)
    select i.id, i.merchant_id, i.idempotency_key, i.request_hash, i.status, i.amount, i.currency, i.payment_method,
        i.reference, i.metadata, i.failure_code, i.version, i.deadline, i.owner, i.lease_until, i.next_check_at,
        i.check_count, i.created_at, i.updated_at
      from jsonb_to_recordset(batch -> 'intents') as i(id text, merchant_id text, idempotency_key text,
          request_hash text, status text, amount bigint, currency text, payment_method jsonb, reference text,
          metadata jsonb, failure_code text, version bigint, deadline timestamptz, owner text,
          lease_until timestamptz, next_check_at timestamptz, check_count int, created_at timestamptz,
          updated_at timestamptz)
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

-- Transitions of stored intents, each guarded by its expected version and owner; returns the ids written. The
-- intent rows are updated one by one by primary key: a join against the batch would be planned once per
-- connection for some guessed batch size and could scan the whole table.
create function payment_router_append_transitions(batch jsonb) returns setof text
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
           next_check_at = t.next_check_at, check_count = t.check_count
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

  return query select unnest(written);
end
$$;
