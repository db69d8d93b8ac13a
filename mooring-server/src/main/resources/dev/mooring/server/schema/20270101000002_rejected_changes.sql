-- Description: What became of each rejected change, so one sent again is rejected again rather than taken as applied
-- UP

-- A push uses up the sequence of every change it answers, rejected ones included: a batch sent again (its answer was
-- lost) finds them below the node's last sequence. Without this table such a change was answered 'duplicate', which
-- tells the client the server has it; the client settled it and the refusal was never shown. Kept for the
-- tombstone retention (SyncMaintenance), as the change log is.
CREATE TABLE mooring.rejected_changes (
    node_id     text        NOT NULL,
    client_seq  bigint      NOT NULL,
    reason      text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, client_seq)
);
CREATE INDEX rejected_changes_rejected_at ON mooring.rejected_changes (rejected_at);

-- DOWN
DROP TABLE mooring.rejected_changes;
