-- The migration engine's own bookkeeping, made before any migration file can run: its
-- history, drift accepted by hand, the statements of a no-transaction file that committed,
-- and what adoption decided per object. Every statement is idempotent.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.schema_history (
    installed_rank bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version text,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('versioned', 'repeatable', 'baseline', 'adopted')),
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    duration_ms bigint NOT NULL DEFAULT 0,
    success boolean NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS schema_history_one_success_per_version
    ON ops.schema_history (version) WHERE success AND kind IN ('versioned', 'baseline', 'adopted');

CREATE TABLE IF NOT EXISTS ops.accepted_drift (
    version text NOT NULL,
    old_checksum text NOT NULL,
    new_checksum text NOT NULL,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    accepted_by text NOT NULL DEFAULT current_user
);

CREATE TABLE IF NOT EXISTS ops.statement_progress (
    file_key text NOT NULL,
    statement int NOT NULL,
    statement_sha256 text NOT NULL,
    line int NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_key, statement)
);

CREATE TABLE IF NOT EXISTS ops.adopted_objects (
    version text NOT NULL,
    line integer,
    kind text NOT NULL,
    object text NOT NULL,
    outcome text NOT NULL,
    detail text NOT NULL DEFAULT '',
    adopted_at timestamptz NOT NULL DEFAULT now()
);

-- A history table made before the 'adopted' kind existed: let it hold adopted rows.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'ops.schema_history'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%adopted%'
    ) THEN
        ALTER TABLE ops.schema_history DROP CONSTRAINT IF EXISTS schema_history_kind_check;
        ALTER TABLE ops.schema_history ADD CONSTRAINT schema_history_kind_check
            CHECK (kind IN ('versioned', 'repeatable', 'baseline', 'adopted'));
    END IF;
END
$$;
