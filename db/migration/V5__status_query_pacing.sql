-- When the router last asked a provider about an intent (a claim by the sentinel, a re-drive, or a GET's
-- on-the-fly check). A GET may ask again only after payment-router.recovery.status-query-interval, so a merchant
-- polling an intent cannot turn into a stream of status queries against its provider.
alter table payment_intents add column last_status_query_at timestamptz;
