package dev.mooring.core.sql;

/**
 * The lexical rules a script follows. They decide where one statement ends and the next begins.
 */
public enum SqlSyntax {
    /** Dollar quoting ({@code $$}, {@code $tag$}), {@code E'…'} escape strings, nested block comments. */
    POSTGRESQL,
    /** {@code CREATE TRIGGER … BEGIN … END;} bodies, {@code [bracketed]} and {@code `backtick`} identifiers. */
    SQLITE
}
