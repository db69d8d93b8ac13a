-- Description: What each node asked to receive (its subscription), narrower than all its user may see
-- UP

-- table -> column -> the values wanted, as the node's last handshake gave it; NULL or {} for everything
ALTER TABLE mooring.nodes ADD COLUMN subscription jsonb;

-- DOWN
ALTER TABLE mooring.nodes DROP COLUMN subscription;
