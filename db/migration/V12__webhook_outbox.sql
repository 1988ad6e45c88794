-- The transactional outbox of the merchants' events (issue 12): one row per externally visible change of an intent or
-- a refund, written by the statement that writes the change. The batch functions carry a transition's events on its
-- last intent event's payload ("webhooks"); this trigger moves them to their own table as that event row is inserted,
-- so an event exists exactly when its transition committed, and no batch function needs restating.
create table webhook_events (
    id          text        primary key,
    merchant_id text        not null,
    type        text        not null,
    intent_id   text        not null references payment_intents (id),
    data        jsonb       not null,
    created_at  timestamptz not null
);

-- GET /v1/events: the merchant's events newest first (ids grow with time), by type or not.
create index webhook_events_listing on webhook_events (merchant_id, id desc);
create index webhook_events_by_type on webhook_events (merchant_id, type, id desc);

create or replace function payment_router_outbox() returns trigger
language plpgsql as $$
begin
  insert into webhook_events (id, merchant_id, type, intent_id, data, created_at)
  select w.id, w.merchant_id, w.type, w.intent_id, w.data, w.created_at
    from jsonb_to_recordset(new.payload -> 'webhooks') as w(id text, merchant_id text, type text, intent_id text,
        data jsonb, created_at timestamptz);
  new.payload := new.payload - 'webhooks';
  return new;
end
$$;

create trigger intent_events_outbox before insert on intent_events
  for each row when (new.payload ? 'webhooks') execute function payment_router_outbox();
