-- Deadlines, ownership leases and the reconciliation schedule of intents; routing decisions on attempts.

alter table payment_intents
    add column deadline          timestamptz,
    -- Set while reconciliation has given up and an operator has to look; the intent stays 'processing'.
    add column unresolved_reason text,
    -- The node whose process owns the intent, and until when; another node may take over after that.
    add column owner             text,
    add column lease_until       timestamptz,
    -- When recovery should look at the intent next, and how many inconclusive status queries it made so far.
    add column next_check_at     timestamptz,
    add column check_count       int not null default 0;

update payment_intents set deadline = created_at + interval '15 minutes' where deadline is null;
alter table payment_intents alter column deadline set not null;

drop index payment_intents_open;

-- What the sentinel scans: open intents nobody owns, by when they are due.
create index payment_intents_recoverable on payment_intents (next_check_at)
    where status in ('pending', 'processing') and unresolved_reason is null;

create index payment_intents_unresolved on payment_intents (updated_at) where unresolved_reason is not null;

alter table payment_attempts
    add column routing_rule       text,
    add column routing_candidates jsonb not null default '[]'::jsonb;

alter table payment_attempts drop constraint payment_attempts_status_check;
alter table payment_attempts add constraint payment_attempts_status_check
    check (status in ('in_flight', 'approved', 'declined', 'not_sent', 'unknown', 'not_charged'));
