package dev.mooring.backup.internal.postgres;

/**
 * A catalog object as {@code pg_depend} names it: the OID of its catalog and its own OID (sub-objects such as
 * columns are folded into their object).
 */
record ObjectRef(long classId, long objId) {
    /** The OID of pg_class, fixed since PostgreSQL 7 (pg_class.h: RelationRelationId). */
    static final long PG_CLASS = 1259;
}
