-- Operator actions (issue 14): provider controls that every replica applies, and the trail of who did what.

-- One row per provider an operator ever touched. Every replica polls this table and applies it, so a drain or a
-- forced breaker holds cluster-wide and survives restarts. breaker: null = the breaker decides on its own
-- (closed/open/half-open by failure rate); 'forced_open' = refuse every call until an operator says 'auto'.
create table provider_controls (
    provider   text        primary key,
    drained    boolean     not null default false,
    breaker    text        check (breaker in ('forced_open')),
    updated_by text        not null,
    updated_at timestamptz not null
);

-- Every operator action, appended, never updated; the operator's name comes from the operator credential, node is
-- the replica that took it.
create table operator_actions (
    id       bigint generated always as identity primary key,
    at       timestamptz not null,
    operator text        not null,
    action   text        not null,
    target   text        not null,
    detail   jsonb       not null default '{}'::jsonb,
    node     text        not null
);

create index operator_actions_at on operator_actions (at desc);
