-- Description: The capture converts and compares each written row once, pairs an update's rows by a join whatever
-- the statement size its cached plan was made for, and passes over statements that wrote nothing
-- UP

-- What changed, each measured with ServerCaptureBench (BENCHMARKS.md, "Server capture overhead (issue 18)"):
-- * Each row goes to jsonb once. A subquery's output column referenced several times is computed at every reference
--   once the planner pulls the subquery up (OFFSET 0 keeps it), and a CTE referenced twice is inlined unless it is
--   MATERIALIZED: an update converted both rows once per column of the row and per changed-columns check.
-- * An update's old and new rows are paired by a FULL JOIN. A plan of these functions is made once per session and
--   kept, with the size of the transition tables of the statement it was made for: an inner join planned for one
--   row is a nested loop, and the same plan then joined 5,000 rows in 25,000,000 steps. PostgreSQL can only hash or
--   merge a full join. It also yields the rows whose id changed, so that check is no second pass over the rows.
-- * Column versions are deleted by an index lookup for each id (= ANY), never by a join whose plan, made for a
--   large statement, would read all of mooring.column_versions for every later one-row delete.
-- * An update's per-column times are one function call (jsonb_object) instead of a subquery per row.
-- * An update or delete that wrote no row returns at once: a foreign key's cascade runs one statement per parent row
--   on every referencing table, and each fired these triggers with empty transition tables.
-- And a fix: rows are read as to_jsonb(n.*), the row of new_rows n. In to_jsonb(n), a column named n of the synced
-- table (o for old rows) took precedence over the row, and such a table's changes were logged as that column's value.

CREATE OR REPLACE FUNCTION mooring.capture_insert() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source,
               nullif(current_setting('mooring.partial', true), '')::jsonb AS partial),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}',
               coalesce(cfg.hlcs ->> (j ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END, cfg.source
          FROM (SELECT to_jsonb(n.*) AS j FROM new_rows n OFFSET 0) r, cfg
        RETURNING seq, record_id, hlc)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc, last_seq)
    SELECT TG_ARGV[0], k.record_id, coalesce(cfg.partial -> k.record_id, '{}'), k.hlc,
           CASE WHEN cfg.partial ? k.record_id THEN NULL ELSE k.hlc END, k.seq
      FROM captured k, cfg
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = EXCLUDED.column_hlcs, row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc,
            last_seq = EXCLUDED.last_seq;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION mooring.capture_update() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    moved bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    END IF;
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source),
    -- both rows of every id, or one of them where the update changed the id (oj or nj NULL); the columns whose
    -- value changed, in name order
    pairs AS MATERIALIZED (
        SELECT oj, nj, ARRAY(SELECT k FROM jsonb_object_keys(nj) AS k WHERE nj -> k IS DISTINCT FROM oj -> k ORDER BY k) AS cols
          FROM (SELECT to_jsonb(o.*) AS oj, to_jsonb(n.*) AS nj FROM old_rows o FULL JOIN new_rows n ON n.id = o.id OFFSET 0) p),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], nj ->> 'id', 'update', oj, nj, cols,
               coalesce(cfg.hlcs ->> (nj ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(nj ->> TG_ARGV[1], oj ->> TG_ARGV[1], '') END, cfg.source
          FROM pairs, cfg
         WHERE oj IS NOT NULL AND cardinality(cols) > 0
        RETURNING seq, record_id, hlc, changed_columns),
    versions AS (
        INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, last_seq)
        SELECT TG_ARGV[0], record_id, jsonb_object(changed_columns, array_fill(hlc, ARRAY[cardinality(changed_columns)])),
               hlc, seq
          FROM captured
        ON CONFLICT (table_name, record_id) DO UPDATE
            SET column_hlcs = v.column_hlcs || EXCLUDED.column_hlcs,
                row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc),
                last_seq = EXCLUDED.last_seq)
    SELECT count(*) INTO moved FROM pairs WHERE nj IS NULL;
    -- An update that changed a row's id (ids never change through sync; another application might) is captured as
    -- a delete of the old id and an insert of the new one, so no client keeps a row the server no longer has.
    IF moved > 0 THEN
        -- the old id's versions go with it, as a delete's do; the new id's start at its insert
        WITH gone AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'delete', j, NULL, '{}', mooring.server_hlc(),
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(o.*) AS j FROM old_rows o FULL JOIN new_rows n ON n.id = o.id WHERE n.id IS NULL OFFSET 0) r
        RETURNING record_id)
        DELETE FROM mooring.column_versions v
         WHERE v.table_name = TG_ARGV[0] AND v.record_id = ANY (ARRAY(SELECT record_id FROM gone));
        WITH born AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}', mooring.server_hlc(),
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(n.*) AS j FROM old_rows o FULL JOIN new_rows n ON n.id = o.id WHERE o.id IS NULL OFFSET 0) r
        RETURNING seq, record_id, hlc)
        INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc, last_seq)
        SELECT TG_ARGV[0], record_id, '{}', hlc, hlc, seq FROM born
        ON CONFLICT (table_name, record_id) DO UPDATE
            SET column_hlcs = '{}', row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc,
                last_seq = EXCLUDED.last_seq;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION mooring.capture_delete() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM old_rows) THEN
        RETURN NULL;
    END IF;
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'delete', j, NULL, '{}',
               coalesce(cfg.hlcs ->> (j ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END, cfg.source
          FROM (SELECT to_jsonb(o.*) AS j FROM old_rows o OFFSET 0) r, cfg
        RETURNING record_id)
    DELETE FROM mooring.column_versions v
     WHERE v.table_name = TG_ARGV[0] AND v.record_id = ANY (ARRAY(SELECT record_id FROM captured));
    RETURN NULL;
END;
$$;

-- DOWN
CREATE OR REPLACE FUNCTION mooring.capture_insert() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source,
               nullif(current_setting('mooring.partial', true), '')::jsonb AS partial),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}',
               coalesce(cfg.hlcs ->> (j ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END, cfg.source
          FROM (SELECT to_jsonb(n) AS j FROM new_rows n) r, cfg
        RETURNING seq, record_id, hlc)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc, last_seq)
    SELECT TG_ARGV[0], k.record_id, coalesce(cfg.partial -> k.record_id, '{}'), k.hlc,
           CASE WHEN cfg.partial ? k.record_id THEN NULL ELSE k.hlc END, k.seq
      FROM captured k, cfg
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = EXCLUDED.column_hlcs, row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc,
            last_seq = EXCLUDED.last_seq;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION mooring.capture_update() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source),
    pairs AS (
        SELECT to_jsonb(o) AS oj, to_jsonb(n) AS nj FROM old_rows o JOIN new_rows n ON n.id = o.id),
    diffs AS (
        SELECT oj, nj, ARRAY(SELECT k FROM jsonb_object_keys(nj) AS k WHERE nj -> k IS DISTINCT FROM oj -> k ORDER BY k) AS cols
          FROM pairs),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], nj ->> 'id', 'update', oj, nj, cols,
               coalesce(cfg.hlcs ->> (nj ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(nj ->> TG_ARGV[1], oj ->> TG_ARGV[1], '') END, cfg.source
          FROM diffs, cfg
         WHERE cardinality(cols) > 0
        RETURNING seq, record_id, hlc, changed_columns)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, last_seq)
    SELECT TG_ARGV[0], record_id, (SELECT jsonb_object_agg(c, hlc) FROM unnest(changed_columns) AS c), hlc, seq
      FROM captured
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = v.column_hlcs || EXCLUDED.column_hlcs,
            row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc),
            last_seq = EXCLUDED.last_seq;
    -- An update that changed a row's id (ids never change through sync; another application might) is captured as
    -- a delete of the old id and an insert of the new one, so no client keeps a row the server no longer has.
    IF EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)) THEN
        -- the old id's versions go with it, as a delete's do; the new id's start at its insert
        WITH gone AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'delete', j, NULL, '{}', mooring.server_hlc(),
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(o) AS j FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)) r
        RETURNING record_id)
        DELETE FROM mooring.column_versions v USING gone
         WHERE v.table_name = TG_ARGV[0] AND v.record_id = gone.record_id;
        WITH born AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}', mooring.server_hlc(), coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(n) AS j FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id)) r
        RETURNING seq, record_id, hlc)
        INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc, last_seq)
        SELECT TG_ARGV[0], record_id, '{}', hlc, hlc, seq FROM born
        ON CONFLICT (table_name, record_id) DO UPDATE
            SET column_hlcs = '{}', row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc,
                last_seq = EXCLUDED.last_seq;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION mooring.capture_delete() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    WITH cfg AS MATERIALIZED (
        SELECT nullif(current_setting('mooring.hlcs', true), '')::jsonb AS hlcs,
               nullif(current_setting('mooring.hlc', true), '')         AS hlc,
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server') AS node,
               nullif(current_setting('mooring.user', true), '')        AS who,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api') AS source),
    captured AS (
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'delete', j, NULL, '{}',
               coalesce(cfg.hlcs ->> (j ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END, cfg.source
          FROM (SELECT to_jsonb(o) AS j FROM old_rows o) r, cfg
        RETURNING record_id)
    DELETE FROM mooring.column_versions v USING captured
     WHERE v.table_name = TG_ARGV[0] AND v.record_id = captured.record_id;
    RETURN NULL;
END;
$$;
