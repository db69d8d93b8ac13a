-- Description: notes on items
CREATE TABLE item_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                         item_id bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE, note text);
CREATE INDEX item_notes_item ON item_notes (item_id);
