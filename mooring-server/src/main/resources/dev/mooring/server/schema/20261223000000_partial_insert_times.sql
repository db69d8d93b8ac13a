-- Description: A row created from some of its columns gives only those a time, in the capture trigger's one write
-- UP

-- mooring.partial (a JSON object id -> {column: HLC}, set by pushes for the rows of one insert statement) names the
-- rows whose insert did not write every column: an edit that reached the server before the row's insert, which a
-- peer relays later. Only the listed columns get a time; the rest (defaults, or values sent as a fill) have none
-- (base_hlc NULL), so the real insert, made earlier, still wins them. Done here rather than by a second statement over
-- column_versions, which cost a push of such rows about a third of its throughput (SyncBench).

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
        RETURNING record_id, hlc)
    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc)
    SELECT TG_ARGV[0], k.record_id, coalesce(cfg.partial -> k.record_id, '{}'), k.hlc,
           CASE WHEN cfg.partial ? k.record_id THEN NULL ELSE k.hlc END
      FROM captured k, cfg
    ON CONFLICT (table_name, record_id) DO UPDATE
        SET column_hlcs = EXCLUDED.column_hlcs, row_hlc = EXCLUDED.row_hlc, base_hlc = EXCLUDED.base_hlc;
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
