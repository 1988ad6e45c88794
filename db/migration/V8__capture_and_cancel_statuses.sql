-- A payment's life after its authorization: an intent may be held for capture ('requires_capture', open: a live
-- authorization) or end 'canceled' (final, so its token is erased like that of any final intent).
alter table payment_intents drop constraint payment_intents_status_check;
alter table payment_intents add constraint payment_intents_status_check
    check (status in ('pending', 'processing', 'succeeded', 'failed', 'requires_action', 'requires_capture',
                      'canceled'));

create or replace function payment_router_is_final(status text) returns boolean
language sql immutable parallel safe as $$ select status in ('succeeded', 'failed', 'requires_action', 'canceled') $$;
