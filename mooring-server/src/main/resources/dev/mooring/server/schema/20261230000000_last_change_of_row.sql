-- Description: Each row's column versions name its last change in the log (last_seq), so a pull can tell a change
-- that later writes of its row superseded
-- UP

-- Writes of one row are applied one after the other (the row lock is held from the write to the commit, and the
-- capture runs inside the writing statement), so the change log's sequence orders them as they were applied. The
-- feed delivers changes in transaction order, which for one row can differ: a transaction that took its id first
-- may write the row last. A pull compares each change with its row's last_seq and, where later writes followed,
-- sends only what is still the row's value (ChangeFeed). NULL for rows last written before this migration: the pull
-- then checks them the same way.
ALTER TABLE mooring.column_versions ADD COLUMN last_seq bigint;

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

ALTER TABLE mooring.column_versions DROP COLUMN last_seq;
