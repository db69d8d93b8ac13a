-- Description: Capture by statement-level triggers with transition tables: one set-based insert per statement
-- UP

-- The row-level mooring.capture() cost about 150 us per row written (a jsonb diff, a change-log row and a
-- column-version upsert, each a separate SPI query). These functions do the same work for every row of a statement
-- in two set-based statements, so a push that writes 50 rows in one statement pays the overhead once.
-- Stamps: mooring.hlcs (a JSON object id -> HLC, set by pushes for the rows of one statement), else mooring.hlc (one
-- HLC for the transaction's writes), else the server's clock.

-- A new row's columns all share its insert time: recorded once as base_hlc instead of one entry per column, so an
-- insert writes no per-column map; column_hlcs only holds the columns updated since.
ALTER TABLE mooring.column_versions ADD COLUMN base_hlc text COLLATE "C";

-- Nothing reads the change log by time through an index; pruning walks it in sequence order.
DROP INDEX mooring.change_log_changed_at;

CREATE FUNCTION mooring.capture_insert() RETURNS trigger
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
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}',
               coalesce(cfg.hlcs ->> (j ->> 'id'), cfg.hlc, mooring.server_hlc()), cfg.node, cfg.who,
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END, cfg.source
          FROM (SELECT to_jsonb(n) AS j FROM new_rows n) r, cfg
        RETURNING record_id, hlc)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc)
    SELECT TG_ARGV[0], record_id, '{}', hlc, hlc FROM captured
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = '{}', row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc;
    RETURN NULL;
END;
$$;

CREATE FUNCTION mooring.capture_update() RETURNS trigger
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
        RETURNING record_id, hlc, changed_columns)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc)
    SELECT TG_ARGV[0], record_id, (SELECT jsonb_object_agg(c, hlc) FROM unnest(changed_columns) AS c), hlc FROM captured
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = v.column_hlcs || EXCLUDED.column_hlcs,
            row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc);
    -- An update that changed a row's id (ids never change through sync; another application might) is captured as
    -- a delete of the old id and an insert of the new one, so no client keeps a row the server no longer has.
    IF EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)) THEN
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'delete', j, NULL, '{}', mooring.server_hlc(),
               coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(o) AS j FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)) r;
        INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                        origin_node, user_id, audience, source)
        SELECT TG_ARGV[0], j ->> 'id', 'insert', NULL, j, '{}', mooring.server_hlc(), coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
               nullif(current_setting('mooring.user', true), ''),
               CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(j ->> TG_ARGV[1], '') END,
               coalesce(nullif(current_setting('mooring.source', true), ''), 'api')
          FROM (SELECT to_jsonb(n) AS j FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id)) r;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION mooring.capture_delete() RETURNS trigger
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

-- DOWN
DROP FUNCTION mooring.capture_delete();
CREATE INDEX change_log_changed_at ON mooring.change_log (changed_at);
ALTER TABLE mooring.column_versions DROP COLUMN base_hlc;
DROP FUNCTION mooring.capture_update();
DROP FUNCTION mooring.capture_insert();
