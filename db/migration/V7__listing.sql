-- Listing a merchant's intents, newest first, page after page (GET /v1/payment-intents): intent ids grow with time,
-- so one descending range of this index is a page, however deep, and the filters (status, reference, creation time)
-- are checked on the rows it returns.
create index payment_intents_listing on payment_intents (merchant_id, id desc);

-- "The intents with this reference" of one merchant, without walking all of its intents.
create index payment_intents_reference on payment_intents (merchant_id, reference, id desc) where reference is not null;
