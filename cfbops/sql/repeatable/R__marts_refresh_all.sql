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
-- from a list kept by hand. Each mart runs in its own sub-transaction: a failure is
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
    plan        record;
    started     timestamptz;
    not_fresh   text[] := '{}';  -- failed or skipped marts
    blocked_by  text[];
BEGIN
    FOR plan IN
        SELECT * FROM marts.refresh_plan ORDER BY depth, view_name
    LOOP
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

        refresh_mode := CASE WHEN plan.is_populated AND plan.has_concurrent_key
                             THEN 'concurrent' ELSE 'plain' END;
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
    'Refresh all marts (marts, scouting) as marts.refresh_all() does, reporting more per mart: schema-qualified view_name, refreshed_at, duration_ms, status (upstream''s strings), refresh_mode (concurrent/plain) and error (SQLSTATE: message). One row per mart in refresh order.';

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
