-- The CFBD call budget, kept in the database so every process spends from one pool.
-- One row per month (its first day, UTC): the limit and the last figure the API gave.
-- Reservations are created under this row's lock, so two runs can never be granted
-- more than the month holds between them.
CREATE TABLE ops.cfbd_months (
    month           date PRIMARY KEY,
    monthly_limit   integer NOT NULL CHECK (monthly_limit >= 0),
    api_used        integer,
    api_ledger_used integer,  -- the ledger's own count when api_used was read
    api_checked_at  timestamptz,
    api_source      text,
    CONSTRAINT cfbd_months_first_day CHECK (extract(day FROM month) = 1)
);

-- A block of calls granted to one run. `spent` counts calls started and not refunded;
-- a block whose holding session (backend_pid, backend_start) is gone is released by the
-- next reservation: its in-flight calls stay spent (the API may have metered them).
CREATE TABLE ops.cfbd_reservations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month          date NOT NULL REFERENCES ops.cfbd_months (month),
    holder         text NOT NULL,
    granted        integer NOT NULL CHECK (granted >= 0),
    spent          integer NOT NULL DEFAULT 0,
    backend_pid    integer NOT NULL,
    backend_start  timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    released_at    timestamptz,
    CONSTRAINT cfbd_reservations_within_grant CHECK (spent BETWEEN 0 AND granted)
);
CREATE INDEX cfbd_reservations_live_idx ON ops.cfbd_reservations (month)
    WHERE released_at IS NULL;

-- Every attempt at a CFBD request. outcome is NULL while the request is in flight;
-- metered says whether the API's rules charge it (2xx, or unknown: a timeout).
CREATE TABLE ops.cfbd_calls (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reservation_id  bigint REFERENCES ops.cfbd_reservations (id),
    called_at       timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    endpoint        text NOT NULL,
    params          jsonb NOT NULL DEFAULT '{}',
    status          integer,
    outcome         text,
    rows            integer,
    duration_ms     integer,
    metered         boolean NOT NULL DEFAULT true,
    error           text
);
CREATE INDEX cfbd_calls_called_at_idx ON ops.cfbd_calls (called_at);
CREATE INDEX cfbd_calls_reservation_idx ON ops.cfbd_calls (reservation_id, ended_at);

-- Backfills: a persisted queue. One job per kind and season range; one item per game
-- (play stats) or season (havoc). A running item names the session working it, so a
-- killed run's items are taken again by the next one.
CREATE TABLE ops.backfill_jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('play-stats', 'havoc')),
    first_season integer NOT NULL,
    last_season  integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT backfill_jobs_range UNIQUE (kind, first_season, last_season),
    CONSTRAINT backfill_jobs_order CHECK (first_season <= last_season)
);

CREATE TABLE ops.backfill_items (
    job_id         bigint NOT NULL REFERENCES ops.backfill_jobs (id),
    item_key       bigint NOT NULL,
    season         integer NOT NULL,
    state          text NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts       integer NOT NULL DEFAULT 0,
    calls_used     integer NOT NULL DEFAULT 0,
    rows_written   integer NOT NULL DEFAULT 0,
    reason         text,
    retryable      boolean NOT NULL DEFAULT true,  -- false after a 400: asking again is waste
    backend_pid    integer,
    backend_start  timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (job_id, item_key)
);
CREATE INDEX backfill_items_todo_idx ON ops.backfill_items (job_id, season DESC, item_key)
    WHERE state IN ('pending', 'running');
