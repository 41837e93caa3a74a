-- marts.refresh_all() as upstream ships it: RETURNS TABLE(view_name text, duration_ms
-- bigint, status text), statuses 'OK (layer N)' and 'ERROR (layer N): <message>', one row
-- per materialized view refreshed, view_name bare for a mart of schema marts (as
-- upstream's) and schema-qualified for one outside it (scouting.player_mart). Upstream's
-- scripts/refresh_marts.py reads these three columns by name, and PostgreSQL cannot change
-- a function's result type in place: so this signature stays, and cfbops's richer report
-- is marts.refresh_all_report(), beside it.
--
-- Both refresh every materialized view of schemas marts and scouting, upstream-only ones
-- too, in dependency order read from the catalog at call time (marts.refresh_plan), never
-- from a list kept by hand: the order and modes cfbops's refresh takes (the critical path
-- of recorded durations first; plainly where only marts refreshed after it read a mart,
-- CONCURRENTLY where a view or an app may). A plain refresh holds its lock to the end of
-- the caller's transaction: here only marts read such a mart, and they wait anyway. Each mart runs in its own sub-transaction: a failure is
-- reported and rolled back, the others continue, and every mart that depends on a failed
-- one (transitively) is skipped, reported 'ERROR (layer N): skipped: depends on ...', not
-- refreshed from stale inputs. All of it runs in the caller's transaction. The layer is
-- the mart's depth in the dependency graph plus one. duration_ms is the whole elapsed
-- time (upstream's EXTRACT(MILLISECONDS ...) dropped the minutes). Where cfbops's history
-- can be written, a mart whose contents may have changed since its last refresh is then
-- analyzed, and every mart's rows are recorded, as cfbops's refresh does: marts refreshed
-- after it plan with current statistics, and cfbops's next refresh need not analyze it.

-- cfbops before this file returned six columns: drop that one, whose result type cannot
-- be replaced, and leave upstream's (the same three columns) to CREATE OR REPLACE, which
-- keeps its owner and grants.
DO $$
BEGIN
    IF EXISTS (
        SELECT FROM pg_catalog.pg_proc AS p
        JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = 'marts' AND p.proname = 'refresh_all' AND p.pronargs = 0
          AND pg_catalog.pg_get_function_result(p.oid)
              <> 'TABLE(view_name text, duration_ms bigint, status text)'
    ) THEN
        DROP FUNCTION marts.refresh_all();
    END IF;
END
$$;

-- What each materialized view reads, as cfbops's refresh reads it from the catalog
-- (cfbops/marts/queries/mart_inputs.sql): tables, partitioned tables, foreign tables and
-- other materialized views, followed through plain views, with the inputs declared in
-- ops.mart_dependency where the database has it.
CREATE OR REPLACE FUNCTION marts.mart_input_roots()
RETURNS TABLE (mart oid, roots oid[])
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    declared_marts   text[] := '{}';
    declared_inputs  text[] := '{}';
BEGIN
    IF pg_catalog.to_regclass('ops.mart_dependency') IS NOT NULL THEN
        EXECUTE 'SELECT coalesce(array_agg(mart), ''{}''), coalesce(array_agg(depends_on), ''{}'')'
                ' FROM ops.mart_dependency'
        INTO declared_marts, declared_inputs;
    END IF;
    RETURN QUERY
    WITH RECURSIVE declared AS (
        SELECT pg_catalog.to_regclass(d.m) AS m, pg_catalog.to_regclass(d.i) AS rel
        FROM unnest(declared_marts, declared_inputs) AS d (m, i)
    ),
    reads (m, rel) AS (
        SELECT c.oid, d.refobjid
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_rewrite AS r ON r.ev_class = c.oid
        JOIN pg_catalog.pg_depend AS d
            ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
           AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> c.oid
        WHERE c.relkind = 'm'
      UNION
        SELECT declared.m::oid, declared.rel::oid
        FROM declared
        JOIN pg_catalog.pg_class AS c ON c.oid = declared.m::oid AND c.relkind = 'm'
        WHERE declared.rel IS NOT NULL
      UNION
        SELECT reads.m, d.refobjid
        FROM reads
        JOIN pg_catalog.pg_class AS v ON v.oid = reads.rel AND v.relkind = 'v'
        JOIN pg_catalog.pg_rewrite AS r ON r.ev_class = v.oid
        JOIN pg_catalog.pg_depend AS d
            ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
           AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
    )
    SELECT reads.m, array_agg(DISTINCT c.oid ORDER BY c.oid)
    FROM reads
    JOIN pg_catalog.pg_class AS c ON c.oid = reads.rel
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm', 'f')
      AND c.oid <> reads.m
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    GROUP BY reads.m;
END
$$;

COMMENT ON FUNCTION marts.mart_input_roots() IS
    'Per materialized view, the relations it reads (through plain views, and as ops.mart_dependency declares): the roots of its input signature.';

-- The input signature cfbops's refresh keeps in ops.mart_refresh.inputs: per leaf relation
-- under the roots (partitions included), its name, its change counters as they stand once
-- the calling transaction commits, and its file node (as
-- cfbops/marts/queries/input_signatures.sql reads them), so --stale knows what a refresh read.
CREATE OR REPLACE FUNCTION marts.mart_input_signature(roots oid[])
RETURNS jsonb
LANGUAGE sql
VOLATILE
AS $$
    WITH RECURSIVE leaves (oid) AS (
        SELECT r FROM unnest(roots) AS r
      UNION
        SELECT i.inhrelid
        FROM leaves
        JOIN pg_catalog.pg_inherits AS i ON i.inhparent = leaves.oid
    )
    SELECT coalesce(
        jsonb_object_agg(
            c.oid::text,
            jsonb_build_array(
                n.nspname || '.' || c.relname,
                pg_catalog.pg_stat_get_tuples_inserted(c.oid)
                    + pg_catalog.pg_stat_get_tuples_updated(c.oid)
                    + pg_catalog.pg_stat_get_tuples_deleted(c.oid)
                    -- and this transaction's, which count once it commits: refresh_all()
                    -- refreshes a mart's inputs in the same transaction before it
                    + pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid)
                    + pg_catalog.pg_stat_get_xact_tuples_updated(c.oid)
                    + pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid),
                c.relfilenode::bigint
            )
        ),
        '{}'
    )
    FROM leaves
    JOIN pg_catalog.pg_class AS c ON c.oid = leaves.oid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm', 'f')
$$;

COMMENT ON FUNCTION marts.mart_input_signature(oid[]) IS
    'The input signature of relations (their leaves: name, inserts + updates + deletes, file node), as cfbops keeps it in ops.mart_refresh.inputs.';

CREATE OR REPLACE FUNCTION marts.refresh_all_report()
RETURNS TABLE (
    view_name     text,
    refreshed_at  timestamptz,
    duration_ms   bigint,
    status        text,
    refresh_mode  text,
    error         text
)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    -- marts.refresh_plan's rows as JSON: a DECLAREd row type of the view would need the
    -- view to exist when this file runs, which the repeatables' order does not promise.
    plans           jsonb;
    plan            record;
    managed         text[];
    names           text[] := '{}';   -- plans' names, in an order where readers come first
    priorities      float8[] := '{}';  -- critical path of each of names
    weight_names    text[] := '{}';
    weights         float8[] := '{}';
    default_weight  float8;
    apps_names      text[] := '{}';
    apps_flags      boolean[] := '{}';
    apps            boolean;
    tail            float8;
    done            text[] := '{}';
    not_fresh       text[] := '{}';  -- failed or skipped marts
    blocked_by      text[];
    started         timestamptz;
    began           timestamptz := clock_timestamp();
    input_marts     oid[] := '{}';
    input_roots     jsonb := '{}';  -- mart oid -> its input roots, as JSON arrays
    inputs          jsonb;
    run_id          bigint;  -- its row in ops.refresh_run, when the history can be written
    failed_any      boolean := false;
    -- Each mart's last refresh on record: its input signature and the rows counted then.
    last_names      text[] := '{}';
    last_inputs     jsonb[] := '{}';
    last_rows       bigint[] := '{}';
    inputs_same     text[] := '{}';  -- marts whose inputs are as at their last refresh
    contents_same   text[] := '{}';  -- those whose upstream marts' contents are too
    mart_oid        oid;
    counted_rows    bigint;
    analyzed_ms     float8;
    refresh_ms      float8;
    analyze_began   timestamptz;
BEGIN
    SELECT jsonb_agg(to_jsonb(p) ORDER BY p.depth DESC, p.view_name COLLATE "C"),
           array_agg(p.view_name)
    INTO plans, managed
    FROM marts.refresh_plan AS p;
    IF plans IS NULL THEN
        RETURN;
    END IF;

    -- The run goes into cfbops's refresh history, each mart with the input signature
    -- taken just before its refresh, so that cfbops refresh --stale knows what this one
    -- refreshed. A role that may refresh but not write ops still refreshes, unrecorded.
    IF pg_catalog.to_regclass('ops.refresh_run') IS NOT NULL
       AND pg_catalog.to_regclass('ops.mart_refresh') IS NOT NULL THEN
        BEGIN
            EXECUTE 'INSERT INTO ops.refresh_run (workers, mode, client) VALUES (1, ''auto'','
                    ' ''marts.refresh_all()'') RETURNING run_id'
            INTO run_id;
            SELECT coalesce(jsonb_object_agg(r.mart::text, to_jsonb(r.roots)), '{}')
            INTO input_roots
            FROM marts.mart_input_roots() AS r;
            EXECUTE $q$
                SELECT coalesce(array_agg(mart), '{}'), coalesce(array_agg(inputs), '{}'),
                       coalesce(array_agg(rows), '{}')
                FROM (SELECT DISTINCT ON (mart) mart, inputs, rows
                      FROM ops.mart_refresh
                      WHERE status = 'refreshed' AND inputs IS NOT NULL
                      ORDER BY mart, run_id DESC) AS l
            $q$ INTO last_names, last_inputs, last_rows;
        EXCEPTION WHEN OTHERS THEN
            run_id := NULL;
        END;
    END IF;

    -- As cfbops's refresh decides it: a mart whose inputs are as at its last refresh, and
    -- every mart upstream of it likewise, gets the same contents again, so the statistics
    -- of its last ANALYZE still hold and its rows are those counted then. Any other mart
    -- is analyzed after its refresh (in this transaction), so that the marts refreshed
    -- after it plan with its new statistics and cfbops's next refresh need not analyze it.
    IF run_id IS NOT NULL THEN
        PERFORM pg_catalog.pg_stat_clear_snapshot();
        FOR plan IN SELECT * FROM jsonb_to_recordset(plans) AS p (
            view_name text, schema_name text, mart_name text
        ) LOOP
            IF last_inputs[array_position(last_names, plan.view_name)]
               = marts.mart_input_signature(ARRAY(
                     SELECT jsonb_array_elements_text(
                         input_roots -> (format('%I.%I', plan.schema_name, plan.mart_name)::regclass::oid::text)
                     )::oid
                 )) THEN
                inputs_same := inputs_same || plan.view_name;
            END IF;
        END LOOP;
    END IF;

    -- Each mart's recorded duration (its median, else its last), as cfbops's scheduler
    -- weighs it; an unknown one weighs the median of the known ones, none known: 1.
    IF pg_catalog.to_regclass('ops.mart_last_refresh') IS NOT NULL THEN
        EXECUTE $q$
            SELECT coalesce(array_agg(mart), '{}'), coalesce(array_agg(weight), '{}'),
                   (array_agg(weight ORDER BY weight) FILTER (WHERE weight > 0))
                       [count(*) FILTER (WHERE weight > 0) / 2 + 1]
            FROM (SELECT mart, coalesce(nullif(median_ms, 0), duration_ms) AS weight
                  FROM ops.mart_last_refresh) AS w
        $q$ INTO weight_names, weights, default_weight;
    END IF;
    default_weight := coalesce(default_weight, 1);
    -- ops.mart_setting.read_by_apps (V0310) where the database has it
    IF EXISTS (SELECT FROM pg_catalog.pg_attribute
               WHERE attrelid = pg_catalog.to_regclass('ops.mart_setting')
                 AND attname = 'read_by_apps' AND NOT attisdropped) THEN
        EXECUTE $q$
            SELECT coalesce(array_agg(mart), '{}'), coalesce(array_agg(read_by_apps), '{}')
            FROM ops.mart_setting WHERE read_by_apps IS NOT NULL
        $q$ INTO apps_names, apps_flags;
    END IF;

    -- Critical path: a mart's weight plus the heaviest chain of marts reading it (readers
    -- are deeper, so plans holds them first).
    FOR plan IN SELECT * FROM jsonb_to_recordset(plans) AS p (view_name text) LOOP
        SELECT max(priorities[array_position(names, r ->> 'view_name')])
        INTO tail
        FROM jsonb_array_elements(plans) AS r
        WHERE r -> 'depends_on' ? plan.view_name;
        names := names || plan.view_name;
        priorities := priorities || (
            coalesce(weights[array_position(weight_names, plan.view_name)], default_weight)
            + coalesce(tail, 0)
        );
    END LOOP;

    -- One at a time, the ready mart heading the longest chain first (ties by name), as
    -- cfbops's scheduler takes them.
    LOOP
        SELECT p.* INTO plan
        FROM jsonb_to_recordset(plans) AS p (
            view_name text, schema_name text, mart_name text, depth integer, depends_on text[],
            is_populated boolean, has_concurrent_key boolean, read_by_views text[],
            read_by_marts text[]
        )
        WHERE NOT p.view_name = ANY(done) AND p.depends_on <@ done
        ORDER BY priorities[array_position(names, p.view_name)] DESC, p.view_name COLLATE "C"
        LIMIT 1;
        EXIT WHEN NOT FOUND;
        done := done || plan.view_name;

        view_name := plan.view_name;
        refreshed_at := NULL;
        duration_ms := NULL;
        error := NULL;
        refresh_mode := NULL;

        blocked_by := ARRAY(
            SELECT unnest(plan.depends_on) INTERSECT SELECT unnest(not_fresh) ORDER BY 1
        );
        IF cardinality(blocked_by) > 0 THEN
            error := 'not refreshed: depends on ' || array_to_string(blocked_by, ', ')
                     || ', which failed or was skipped';
            status := format('ERROR (layer %s): skipped: %s', plan.depth + 1, error);
            not_fresh := not_fresh || plan.view_name;
            IF run_id IS NOT NULL THEN
                EXECUTE 'INSERT INTO ops.mart_refresh (mart, run_id, status, error, reason)'
                        ' VALUES ($1, $2, ''skipped'', $3, ''marts.refresh_all()'')'
                USING plan.view_name, run_id, error;
            END IF;
            RETURN NEXT;
            CONTINUE;
        END IF;

        -- CONCURRENTLY where a reader may wait on it; plainly where only marts this
        -- function refreshes after it read it (as cfbops's refresh --mode auto chooses).
        apps := apps_flags[array_position(apps_names, plan.view_name)];
        refresh_mode := CASE
            WHEN NOT plan.is_populated OR NOT plan.has_concurrent_key THEN 'plain'
            WHEN apps THEN 'concurrent'
            WHEN cardinality(plan.read_by_views) > 0 THEN 'concurrent'
            WHEN NOT plan.read_by_marts <@ managed THEN 'concurrent'
            WHEN cardinality(plan.read_by_marts) > 0 THEN 'plain'
            WHEN apps IS FALSE THEN 'plain'
            ELSE 'concurrent'
        END;
        IF run_id IS NOT NULL THEN
            PERFORM pg_catalog.pg_stat_clear_snapshot();
            inputs := marts.mart_input_signature(ARRAY(
                SELECT jsonb_array_elements_text(
                    input_roots -> (format('%I.%I', plan.schema_name, plan.mart_name)::regclass::oid::text)
                )::oid
            ));
        END IF;
        started := clock_timestamp();
        BEGIN
            IF refresh_mode = 'concurrent' THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %I.%I',
                               plan.schema_name, plan.mart_name);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %I.%I',
                               plan.schema_name, plan.mart_name);
            END IF;
            refreshed_at := clock_timestamp();
            status := format('OK (layer %s)', plan.depth + 1);
        EXCEPTION WHEN OTHERS THEN
            status := format('ERROR (layer %s): %s', plan.depth + 1, SQLERRM);
            error := SQLSTATE || ': ' || SQLERRM;
            not_fresh := not_fresh || plan.view_name;
            failed_any := true;
        END;
        refresh_ms := extract(epoch FROM clock_timestamp() - started) * 1000;
        duration_ms := floor(refresh_ms)::bigint;
        IF run_id IS NOT NULL THEN
            counted_rows := NULL;
            analyzed_ms := NULL;
            IF refreshed_at IS NOT NULL THEN
                mart_oid := format('%I.%I', plan.schema_name, plan.mart_name)::regclass::oid;
                IF plan.view_name = ANY(inputs_same) AND plan.depends_on <@ contents_same THEN
                    contents_same := contents_same || plan.view_name;
                    counted_rows := last_rows[array_position(last_names, plan.view_name)];
                END IF;
                IF counted_rows IS NULL
                   OR (pg_catalog.pg_stat_get_last_analyze_time(mart_oid) IS NULL
                       AND pg_catalog.pg_stat_get_last_autoanalyze_time(mart_oid) IS NULL) THEN
                    analyze_began := clock_timestamp();
                    BEGIN
                        EXECUTE format('ANALYZE %I.%I', plan.schema_name, plan.mart_name);
                        analyzed_ms := extract(epoch FROM clock_timestamp() - analyze_began) * 1000;
                        SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END
                        INTO counted_rows
                        FROM pg_catalog.pg_class AS c WHERE c.oid = mart_oid;
                    EXCEPTION WHEN OTHERS THEN  -- refreshed all the same; counted next time
                        counted_rows := NULL;
                    END;
                END IF;
            END IF;
            EXECUTE 'INSERT INTO ops.mart_refresh (mart, run_id, status, mode, started_at,'
                    ' duration_ms, error, reason, inputs, rows, analyze_ms)'
                    ' VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)'
            USING plan.view_name, run_id,
                  CASE WHEN refreshed_at IS NULL THEN 'failed' ELSE 'refreshed' END,
                  refresh_mode, started, refresh_ms, error,
                  'marts.refresh_all()',
                  CASE WHEN refreshed_at IS NULL THEN NULL ELSE inputs END,
                  counted_rows, analyzed_ms;
        END IF;
        RETURN NEXT;
    END LOOP;
    IF run_id IS NOT NULL THEN
        EXECUTE 'UPDATE ops.refresh_run SET status = $1, finished_at = clock_timestamp(),'
                ' wall_ms = $2 WHERE run_id = $3'
        USING CASE WHEN failed_any THEN 'failed' ELSE 'succeeded' END,
              extract(epoch FROM clock_timestamp() - began) * 1000, run_id;
    END IF;
END
$$;

COMMENT ON FUNCTION marts.refresh_all_report() IS
    'Refresh all marts (marts, scouting) as marts.refresh_all() does, reporting more per mart: schema-qualified view_name, refreshed_at, duration_ms, status (upstream''s strings), refresh_mode (concurrent/plain) and error (SQLSTATE: message). Order and modes are cfbops''s refresh''s: the ready mart heading the longest chain of recorded durations first; CONCURRENTLY where a view or an app may read the mart, plainly where only marts refreshed after it do. A mart whose inputs (or an upstream mart''s) changed since its last refresh is analyzed after it, and rows are recorded in ops.mart_refresh, as cfbops''s refresh does. One row per mart in refresh order.';

CREATE OR REPLACE FUNCTION marts.refresh_all()
RETURNS TABLE (view_name text, duration_ms bigint, status text)
LANGUAGE sql
SET statement_timeout = 0
SET search_path = ''
AS $$
    SELECT
        CASE WHEN (pg_catalog.parse_ident(r.view_name))[1] = 'marts'
             THEN (pg_catalog.parse_ident(r.view_name))[2]
             ELSE r.view_name END,
        r.duration_ms,
        r.status
    FROM marts.refresh_all_report() WITH ORDINALITY
        AS r (view_name, refreshed_at, duration_ms, status, refresh_mode, error, step)
    ORDER BY r.step
$$;

COMMENT ON FUNCTION marts.refresh_all() IS
    'Upstream''s signature: refresh every materialized view of marts (and scouting) in catalog-derived dependency order; one row per view: view_name (bare in marts), duration_ms, status OK (layer N) or ERROR (layer N): <message> (a failed mart''s dependents: ERROR (layer N): skipped: ...). marts.refresh_all_report() tells more.';
