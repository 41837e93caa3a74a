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
-- time (upstream's EXTRACT(MILLISECONDS ...) dropped the minutes).

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
BEGIN
    SELECT jsonb_agg(to_jsonb(p) ORDER BY p.depth DESC, p.view_name COLLATE "C"),
           array_agg(p.view_name)
    INTO plans, managed
    FROM marts.refresh_plan AS p;
    IF plans IS NULL THEN
        RETURN;
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
        END;
        duration_ms := floor(extract(epoch FROM clock_timestamp() - started) * 1000)::bigint;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION marts.refresh_all_report() IS
    'Refresh all marts (marts, scouting) as marts.refresh_all() does, reporting more per mart: schema-qualified view_name, refreshed_at, duration_ms, status (upstream''s strings), refresh_mode (concurrent/plain) and error (SQLSTATE: message). Order and modes are cfbops''s refresh''s: the ready mart heading the longest chain of recorded durations first; CONCURRENTLY where a view or an app may read the mart, plainly where only marts refreshed after it do. One row per mart in refresh order.';

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
