-- Description: Data package generations: every package cut (or served again from the cache), for audit and download
-- UP

-- One row per `mooring package create`. A request whose data has not changed since the latest generation of the
-- same name, tables, filter and owner reuses that file: it gets a row of its own with reused = true and the same
-- package_id. GET /v1/packages/{package_id} serves the file at path while it still holds that package.
CREATE TABLE mooring.package_generations (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id            uuid        NOT NULL,
    name                  text        NOT NULL,
    version               bigint      NOT NULL,
    requested_by          text        NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    size_bytes            bigint      NOT NULL,
    duration_ms           bigint      NOT NULL,
    sha256                text        NOT NULL,
    watermark             text        NOT NULL,
    tables                text[]      NOT NULL,
    where_clause          text,
    -- the user whose rows it holds; NULL for a shared package (public-read tables only)
    user_id               text,
    path                  text        NOT NULL,
    reused                boolean     NOT NULL,
    schema_version        text,
    client_schema_version text
);
CREATE INDEX package_generations_name ON mooring.package_generations (name, id);
CREATE INDEX package_generations_package ON mooring.package_generations (package_id);

-- DOWN
DROP TABLE mooring.package_generations;
