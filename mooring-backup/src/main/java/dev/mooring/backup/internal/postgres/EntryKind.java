package dev.mooring.backup.internal.postgres;

/**
 * The kinds of statements a dump script holds, in the order they are emitted when nothing else decides it:
 * pre-data kinds are then ordered by their dependencies, post-data kinds run in this order.
 */
enum EntryKind {
    SCHEMA("schemas", true),
    EXTENSION("extensions", true),
    TYPE("types", true),
    FUNCTION("functions", true),
    AGGREGATE("aggregates", true),
    SEQUENCE("sequences", true),
    TABLE("tables", true),
    VIEW("views", true),
    MATERIALIZED_VIEW("materialized views", true),
    COMMENT("comments", true),
    CONSTRAINT("primary key, unique and exclusion constraints", false),
    INDEX("indexes", false),
    INDEX_ATTACH("partition index attachments", false),
    CHECK_NOT_VALID("not yet validated check constraints", false),
    FOREIGN_KEY("foreign keys", false),
    TRIGGER("triggers", false),
    RULE("rules", false),
    ROW_SECURITY("row-level security settings", false),
    POLICY("row-level security policies", false),
    STATISTICS("extended statistics", false),
    SEQUENCE_OWNER("sequence ownerships", false),
    REFRESH("materialized view refreshes", false),
    POST_DATA_COMMENT("comments", false),
    PRIVILEGE("privileges", false);

    private final String plural;
    private final boolean preData;

    EntryKind(String plural, boolean preData) {
        this.plural = plural;
        this.preData = preData;
    }

    /** How messages name several entries of this kind. */
    String plural() {
        return plural;
    }

    /** Whether entries of this kind run before the data. */
    boolean preData() {
        return preData;
    }
}
