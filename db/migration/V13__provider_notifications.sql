-- Incoming provider notifications (issue 12, part N): every verified notification is kept, once per provider event,
-- with what became of it. The unique key makes a replayed or retried notification a no-op: stored once, handed to
-- the intent's owner once. intent_id is null when the notification names no intent of ours (kept and counted, not
-- dropped: an operator looks at those).
create table provider_notifications (
    provider          text        not null,
    -- Stripe: the event id (evt_...). Adyen: eventCode:pspReference:success (Adyen's own dedup key is eventCode with
    -- pspReference; success is added so that a corrected verdict for the same event is kept beside the first).
    provider_event_id text        not null,
    type              text        not null,
    intent_id         text,
    body              jsonb       not null,
    received_at       timestamptz not null,
    -- Null until the intent's owner took it (or it was found to need nothing): a retry of it is handled again.
    processed_at      timestamptz,
    outcome           text,
    primary key (provider, provider_event_id)
);

create index provider_notifications_unknown_intent on provider_notifications (received_at)
    where intent_id is null;
