-- Description: items
CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, price numeric(10, 2) CHECK (price >= 0),
                    tags text[], created_at timestamptz NOT NULL DEFAULT now());
