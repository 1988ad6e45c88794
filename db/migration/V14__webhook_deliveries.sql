-- Deliveries of the merchants' events (issue 12): one row per event and subscribed endpoint, created with the event
-- (so in the commit of the transition that caused it), then claimed by the delivery workers of any node with
-- FOR UPDATE SKIP LOCKED and sent until the endpoint takes it or the retry schedule is used up.
create table webhook_deliveries (
    id               text        primary key,
    event_id         text        not null references webhook_events (id),
    endpoint_id      text        not null references webhook_endpoints (id),
    merchant_id      text        not null,
    status           text        not null check (status in ('pending', 'succeeded', 'failed')),
    -- Tries made so far; a claim counts one before it is sent, so that a node dying mid-send still counts it.
    attempts         int         not null default 0,
    -- When it is next due (pending); a claim moves it past the send's timeout, so no other node sends it meanwhile.
    next_attempt_at  timestamptz,
    last_attempt_at  timestamptz,
    last_http_status int,
    last_error       text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    unique (event_id, endpoint_id)
);

-- What the workers claim: pending deliveries by when they are due.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
-- An endpoint's delivery log, newest first.
create index webhook_deliveries_by_endpoint on webhook_deliveries (endpoint_id, id desc);

-- V12's outbox trigger, now also fanning each event out to the endpoints subscribed to it at that moment.
create or replace function payment_router_outbox() returns trigger
language plpgsql as $$
begin
  insert into webhook_events (id, merchant_id, type, intent_id, data, created_at)
  select w.id, w.merchant_id, w.type, w.intent_id, w.data, w.created_at
    from jsonb_to_recordset(new.payload -> 'webhooks') as w(id text, merchant_id text, type text, intent_id text,
        data jsonb, created_at timestamptz);
  insert into webhook_deliveries (id, event_id, endpoint_id, merchant_id, status, next_attempt_at, created_at,
      updated_at)
  select 'whd_' || substr(w.id, 5) || '_' || e.id, w.id, e.id, w.merchant_id, 'pending', w.created_at, w.created_at,
      w.created_at
    from jsonb_to_recordset(new.payload -> 'webhooks') as w(id text, merchant_id text, type text,
        created_at timestamptz)
    join webhook_endpoints e on e.merchant_id = w.merchant_id and e.deleted_at is null and e.status = 'enabled'
     and (w.type = any (e.events) or '*' = any (e.events));
  new.payload := new.payload - 'webhooks';
  return new;
end
$$;
