-- The delivery workers claim per endpoint (issue 12): each endpoint's due deliveries, oldest first, up to its free
-- sending slots, so that one endpoint's backlog neither starves the others nor waits behind them. This index is what
-- each endpoint's look-up reads; the one by due time alone has no reader left.
create index webhook_deliveries_due_by_endpoint on webhook_deliveries (endpoint_id, next_attempt_at)
    where status = 'pending';
drop index webhook_deliveries_due;
