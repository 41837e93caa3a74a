-- What `cfbops --headless seed` loaded: one row per run. A database whose raw tables
-- hold rows but which has no row here holds data the seed did not create, and the seed
-- refuses to replace it without --force.
CREATE TABLE ops.seed_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scale       text NOT NULL,
    seed        bigint NOT NULL,
    rows        jsonb NOT NULL,
    seconds     numeric NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL DEFAULT current_user,
    CONSTRAINT seed_runs_scale_check CHECK (scale IN ('tiny', 'small', 'medium', 'full'))
);

COMMENT ON TABLE ops.seed_runs IS
    'Runs of cfbops seed: scale, seed, rows loaded per table ({"core.plays": 3600000, ...}), '
    'seconds taken. The latest row describes the demo data the database holds.';
