-- Data-quality history: one row per `cfbops check` run, one row per check per run (its
-- outcome, count, sample rows and state against the run before), and mutes. Rows are
-- only ever added: yesterday's findings stay beside today's.
-- Every statement is IF NOT EXISTS: `cfbops check` runs this same file on a database the
-- migration engine has not reached yet, as `refresh` does with its history.

CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.check_run (
    run_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    selection    text[] NOT NULL DEFAULT '{}',
    wall_ms      double precision,
    client       text
);
COMMENT ON TABLE ops.check_run IS 'One row per cfbops data-quality run (never replaced).';

CREATE TABLE IF NOT EXISTS ops.check_result (
    run_id       bigint NOT NULL REFERENCES ops.check_run (run_id) ON DELETE CASCADE,
    check_name   text NOT NULL,
    family       text NOT NULL,
    severity     text NOT NULL CHECK (severity IN ('error', 'warn', 'info')),
    outcome      text NOT NULL CHECK (outcome IN ('passed', 'failed', 'not_run')),
    state        text CHECK (state IN ('new', 'open', 'resolved')),
    count        bigint,
    total        bigint,
    message      text NOT NULL,
    action       text,
    sample       jsonb NOT NULL DEFAULT '[]',
    error        text,
    muted        boolean NOT NULL DEFAULT false,
    duration_ms  double precision,
    PRIMARY KEY (run_id, check_name)
);
CREATE INDEX IF NOT EXISTS check_result_check_idx ON ops.check_result (check_name, run_id DESC);
COMMENT ON TABLE ops.check_result IS
    'One row per check per run. outcome failed = a finding; state new/open/resolved compares '
    'it with the last run in which the check ran; sample holds up to 10 failing rows.';

CREATE TABLE IF NOT EXISTS ops.check_mute (
    mute_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_name  text NOT NULL,
    until       date NOT NULL,
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL DEFAULT current_user
);
CREATE INDEX IF NOT EXISTS check_mute_check_idx ON ops.check_mute (check_name, mute_id DESC);
COMMENT ON TABLE ops.check_mute IS
    'A check muted until a date (inclusive) with a reason; the newest row per check wins.';
