-- The merchant's details of an intent (issue 16): a description beside its metadata, both changeable after the create
-- by the intent's owner (IntentAnnotated). The columns follow the events that state them, applied by the statement
-- that appends the event (as the outbox's rows are, V12), so that the batch functions stay as they are: an
-- intent_created event that names a description sets it, an intent_annotated event sets both.
alter table payment_intents add column description text;

create or replace function payment_router_apply_details() returns trigger
language plpgsql as $$
begin
  update payment_intents
     set description = new.payload ->> 'description',
         metadata = case when new.type = 'intent_annotated' then new.payload -> 'metadata' else metadata end
   where id = new.intent_id;
  return null;
end
$$;

-- After the row: the intent a create inserts in the same statement (a sibling of the events' insert) is visible
-- only once that statement's inserts are done.
create trigger intent_events_details after insert on intent_events
  for each row when (new.type = 'intent_annotated' or (new.type = 'intent_created' and new.payload ? 'description'))
  execute function payment_router_apply_details();
