-- Cluster-wide limits (issue 13, part L). Flyway owns these tables; Bucket4j only reads and writes rows.

-- Bucket4j's PostgreSQL proxy managers keep one row per bucket: its serialized state, read and written in one short
-- transaction per synchronization (row lock: SELECT ... FOR UPDATE; or pg_advisory_xact_lock on explicit_lock).
-- Keys are readable ('provider:alpha:charges', 'merchant:m_1:inbound'), so an operator can see which limit a row is.
-- expires_at and explicit_lock are the columns Bucket4j's expiration and advisory-lock variants write; both variants
-- fit this one table, so switching the lock variant needs no migration.
create table cluster_buckets (
    id            text primary key,
    state         bytea,
    expires_at    bigint,
    explicit_lock bigint
);
create index cluster_buckets_expiry on cluster_buckets (expires_at);

-- Each replica's recent provider success window, published every few seconds and summed by every replica, so that
-- all of them rank providers alike. A dead replica's rows stop being refreshed and drop out of the sum by age;
-- the next publisher deletes rows far past that age.
create table provider_success_windows (
    node_id   text        not null,
    provider  text        not null,
    successes integer     not null check (successes >= 0),
    failures  integer     not null check (failures >= 0),
    at        timestamptz not null,
    primary key (node_id, provider)
);
create index provider_success_windows_at on provider_success_windows (at);
