-- Description: Settings table, found through the default classpath:db/migration location
-- UP
CREATE TABLE settings (name text PRIMARY KEY, value text);
-- DOWN
DROP TABLE settings;
