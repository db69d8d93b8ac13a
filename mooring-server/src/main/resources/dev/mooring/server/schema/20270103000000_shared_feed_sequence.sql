-- Description: The shared feed is found by position too, so live sync can see which users' entries completed
-- UP

-- The live watcher (FeedWatcher) reads the newest entries of the change log (by its primary key) and of the shared
-- feed (by this index) on every poll.
CREATE INDEX shared_feed_seq ON mooring.shared_feed (seq);

-- DOWN
DROP INDEX mooring.shared_feed_seq;
