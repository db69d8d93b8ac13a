-- Description: Mooring sync bookkeeping: change log, column versions, nodes, conflicts, sessions, tokens
-- UP

-- Every captured write of a synced table, one row per row written, in the writing transaction.
-- Pulls deliver rows whose transaction (xid) is older than the puller's snapshot xmin, in (xid, seq) order,
-- so a transaction that commits late is delivered late, never skipped.
CREATE TABLE mooring.change_log (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    table_name      text        NOT NULL,
    record_id       text        NOT NULL,
    operation       text        NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    old_row         jsonb,
    new_row         jsonb,
    changed_columns text[]      NOT NULL,
    hlc             text        COLLATE "C" NOT NULL,
    origin_node     text,
    user_id         text,
    -- whose row it is (the table's owner column); '*' for public-read tables
    audience        text        NOT NULL,
    source          text        NOT NULL CHECK (source IN ('api', 'sync', 'migration', 'import')),
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX change_log_audience_position ON mooring.change_log (audience, xid, seq);
CREATE INDEX change_log_record ON mooring.change_log (table_name, record_id, xid);
CREATE INDEX change_log_changed_at ON mooring.change_log (changed_at);

-- The hybrid logical time of every column of every synced row: what last-writer-wins compares against.
CREATE TABLE mooring.column_versions (
    table_name  text  NOT NULL,
    record_id   text  NOT NULL,
    column_hlcs jsonb NOT NULL,
    row_hlc     text  COLLATE "C" NOT NULL,
    PRIMARY KEY (table_name, record_id)
);

-- Client installations: who they belong to, the last change sequence applied (pushes are idempotent),
-- the last pull position (what the node has seen), and clock skew.
CREATE TABLE mooring.nodes (
    node_id        text        PRIMARY KEY,
    user_id        text        NOT NULL,
    last_seq       bigint      NOT NULL DEFAULT 0,
    last_pulled    xid8,
    schema_version text,
    last_skew_ms   bigint,
    clamped_count  bigint      NOT NULL DEFAULT 0,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now()
);

-- Every conflict, for audit; manual ones wait here (status 'pending') for a person.
CREATE TABLE mooring.conflicts (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name     text        NOT NULL,
    record_id      text        NOT NULL,
    audience       text        NOT NULL,
    server_version jsonb,
    client_version jsonb,
    client_node    text        NOT NULL,
    client_hlc     text        NOT NULL,
    client_seq     bigint      NOT NULL,
    rule           text        NOT NULL,
    result         text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('pending', 'resolved')),
    resolved_values jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    resolved_by    text
);
CREATE INDEX conflicts_pending ON mooring.conflicts (created_at) WHERE status = 'pending';

CREATE TABLE mooring.sync_sessions (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_id     text,
    user_id     text,
    kind        text        NOT NULL CHECK (kind IN ('handshake', 'pull', 'push')),
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    duration_ms integer     NOT NULL,
    changes     integer     NOT NULL DEFAULT 0,
    conflicts   integer     NOT NULL DEFAULT 0,
    rejected    integer     NOT NULL DEFAULT 0,
    ok          boolean     NOT NULL,
    error       text
);
CREATE INDEX sync_sessions_started_at ON mooring.sync_sessions (started_at);

-- Bearer tokens: only a SHA-256 of the token is stored.
CREATE TABLE mooring.tokens (
    token_hash   text        PRIMARY KEY,
    user_id      text        NOT NULL,
    label        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- Below this transaction the change log has been pruned: a cursor older than it must re-bootstrap.
CREATE TABLE mooring.retention (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_below  xid8        NOT NULL,
    pruned_at     timestamptz
);
INSERT INTO mooring.retention (pruned_below) VALUES ('0');

CREATE SEQUENCE mooring.hlc_counter MAXVALUE 99999 CYCLE;

-- The hybrid logical time of a write nobody stamped (a direct write by another application): the wall clock.
CREATE FUNCTION mooring.server_hlc() RETURNS text
    LANGUAGE sql VOLATILE
AS $$
    SELECT lpad(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text, 15, '0') || '-'
        || lpad((nextval('mooring.hlc_counter') % 100000)::text, 5, '0') || '-server'
$$;

-- The capture trigger of every synced table. Arguments: the table's sync name, its owner column ('' when public-read).
-- Sync pushes stamp their writes with set_config('mooring.hlc' / 'mooring.node' / 'mooring.user' / 'mooring.source');
-- any other write is captured too, stamped by the server's clock with source 'api'.
CREATE FUNCTION mooring.capture() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    old_j    jsonb;
    new_j    jsonb;
    cols     text[];
    stamp    text;
    rid      text;
    owner_of text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        new_j := to_jsonb(NEW);
        SELECT coalesce(array_agg(k ORDER BY k), '{}') INTO cols FROM jsonb_object_keys(new_j) AS k;
    ELSIF TG_OP = 'UPDATE' THEN
        old_j := to_jsonb(OLD);
        new_j := to_jsonb(NEW);
        SELECT array_agg(n.key ORDER BY n.key) INTO cols
          FROM jsonb_each(new_j) AS n WHERE n.value IS DISTINCT FROM old_j -> n.key;
        IF cols IS NULL THEN
            RETURN NULL; -- nothing changed
        END IF;
    ELSE
        old_j := to_jsonb(OLD);
        cols := '{}';
    END IF;
    rid := coalesce(new_j, old_j) ->> 'id';
    owner_of := CASE WHEN TG_ARGV[1] = '' THEN '*' ELSE coalesce(new_j ->> TG_ARGV[1], old_j ->> TG_ARGV[1], '') END;
    stamp := coalesce(nullif(current_setting('mooring.hlc', true), ''), mooring.server_hlc());
    INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns, hlc,
                                    origin_node, user_id, audience, source)
    VALUES (TG_ARGV[0], rid, lower(TG_OP), old_j, new_j, cols, stamp,
            coalesce(nullif(current_setting('mooring.node', true), ''), 'server'),
            nullif(current_setting('mooring.user', true), ''), owner_of,
            coalesce(nullif(current_setting('mooring.source', true), ''), 'api'));
    IF TG_OP = 'DELETE' THEN
        DELETE FROM mooring.column_versions WHERE table_name = TG_ARGV[0] AND record_id = rid;
    ELSE
        INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc)
        SELECT TG_ARGV[0], rid, jsonb_object_agg(c, stamp), stamp FROM unnest(cols) AS c
        ON CONFLICT (table_name, record_id) DO UPDATE
            SET column_hlcs = v.column_hlcs || EXCLUDED.column_hlcs,
                row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc);
    END IF;
    RETURN NULL;
END;
$$;

CREATE VIEW mooring.sync_analytics AS
SELECT date_trunc('hour', started_at)                                   AS hour,
       kind,
       count(*)                                                         AS sessions,
       count(*) FILTER (WHERE NOT ok)                                   AS failed,
       sum(changes)                                                     AS changes,
       sum(conflicts)                                                   AS conflicts,
       sum(rejected)                                                    AS rejected,
       round(avg(duration_ms), 1)                                       AS avg_duration_ms,
       max(duration_ms)                                                 AS max_duration_ms
  FROM mooring.sync_sessions
 GROUP BY 1, 2;

-- DOWN
DROP VIEW mooring.sync_analytics;
DROP FUNCTION mooring.capture();
DROP FUNCTION mooring.server_hlc();
DROP SEQUENCE mooring.hlc_counter;
DROP TABLE mooring.retention;
DROP TABLE mooring.tokens;
DROP TABLE mooring.sync_sessions;
DROP TABLE mooring.conflicts;
DROP TABLE mooring.nodes;
DROP TABLE mooring.column_versions;
DROP TABLE mooring.change_log;
