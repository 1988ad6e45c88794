-- A provider may hold a payment until the customer acts (3-D Secure, a redirect): the attempt ends
-- 'action_required' and the intent 'requires_action', which is final for the router (it does not drive customer
-- actions), so its token is erased like that of any final intent.
alter table payment_intents drop constraint payment_intents_status_check;
alter table payment_intents add constraint payment_intents_status_check
    check (status in ('pending', 'processing', 'succeeded', 'failed', 'requires_action'));

alter table payment_attempts drop constraint payment_attempts_status_check;
alter table payment_attempts add constraint payment_attempts_status_check
    check (status in ('in_flight', 'approved', 'declined', 'not_sent', 'unknown', 'not_charged', 'action_required'));

create or replace function payment_router_is_final(status text) returns boolean
language sql immutable parallel safe as $$ select status in ('succeeded', 'failed', 'requires_action') $$;
