package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.postgres.DumpAllowList.Section;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises the statement forms Mooring's dump engine writes, as {@link PreDataCatalog}, {@link TableDefinitions},
 * {@link PostDataCatalog}, {@link CommentCatalog}, {@link DataTable} and {@link PostgresDump} spell them, and reads
 * what the allow-list needs to know about each: its section, the schemas of the objects it creates or changes, and
 * the tables and columns it creates or fills. Anything else throws {@link NotOwnStatement} saying why. Privilege
 * statements are read by {@link PrivilegeShapes}; the fixed header by {@link DumpAllowList}. Stateless.
 */
final class StatementShapes {
    /** Languages whose functions cannot reach the operating system: the server runs them in its own sandbox. */
    static final Set<String> LANGUAGES = Set.of("sql", "plpgsql", "plperl", "pltcl");
    private static final Set<String> RANGE_OPTIONS = Set.of("subtype", "subtype_opclass", "collation", "subtype_diff",
            "multirange_type_name");

    /**
     * What a statement does, as far as the allow-list cares.
     *
     * @param section       where in the script it belongs; {@code null} for a comment, which may be pre- or post-data
     * @param schemas       the schemas of the objects it creates or changes
     * @param createdSchema the schema a {@code CREATE SCHEMA} creates, else {@code null}
     * @param droppedSchema the schema a {@code DROP SCHEMA} of the clean section drops, else {@code null}
     * @param table         the table a {@code CREATE TABLE} creates, else {@code null}
     * @param copy          the table and columns a {@code COPY … FROM stdin} fills, else {@code null}
     * @param roles         the roles a privilege statement grants to, which must exist on the target
     * @param actingRole    the role whose default privileges a statement sets, which the restoring role must be a
     *                      member of; else {@code null}
     * @param extension     the extension a {@code CREATE EXTENSION} installs, else {@code null}
     */
    record Shape(Section section, List<String> schemas, String createdSchema, String droppedSchema, TableShape table,
                 CopyShape copy, List<String> roles, String actingRole, String extension) {
        static Shape of(Section section, List<String> schemas) {
            return new Shape(section, schemas, null, null, null, null, List.of(), null, null);
        }
    }

    /** A created table: its name, the tables it inherits from, and the columns it stores itself (generated ones not). */
    record TableShape(List<String> name, List<List<String>> parents, List<String> columns) {
    }

    /** A {@code COPY … FROM stdin}: the table and the listed columns. */
    record CopyShape(List<String> table, List<String> columns) {
    }

    private StatementShapes() {
    }

    /** The shape of {@code t}, which is not a header statement; throws {@link NotOwnStatement} for any other form. */
    static Shape read(StatementTokens t) {
        if (t.word(0, "create")) {
            return create(t);
        }
        if (t.word(0, "alter")) {
            return t.words(0, "alter", "default", "privileges") || t.words(0, "alter", "schema")
                    ? PrivilegeShapes.read(t) : alter(t);
        }
        if (t.word(0, "grant") || t.word(0, "revoke")) {
            return PrivilegeShapes.read(t);
        }
        if (t.words(0, "comment", "on")) {
            return comment(t);
        }
        if (t.word(0, "copy")) {
            return copy(t);
        }
        if (t.words(0, "select", "pg_catalog") && t.symbol(2, '.') && t.word(3, "setval")) {
            return setval(t);
        }
        if (t.words(0, "refresh", "materialized", "view")) {
            int end = qualified(t, 3);
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, 3, requireEnd(t, end))));
        }
        if (t.words(0, "drop", "schema", "if", "exists") && t.word(5, "cascade") && t.size() == 6) {
            String schema = schema(t, 4);
            return new Shape(Section.CLEAN, List.of(), null, schema, null, null, List.of(), null, null);
        }
        throw new NotOwnStatement("Mooring's dump engine writes no statement of this kind");
    }

    private static Shape create(StatementTokens t) {
        if (t.words(1, "schema", "if", "not", "exists") && t.size() == 6) {
            String schema = schema(t, 5);
            return new Shape(Section.PRE_DATA, List.of(schema), schema, null, null, null, List.of(), null, null);
        }
        if (t.words(1, "extension", "if", "not", "exists") && t.identifier(5) && t.words(6, "with", "schema")
                && t.size() == 9) {
            return new Shape(Section.PRE_DATA, List.of(schema(t, 8)), null, null, null, null, List.of(), null,
                    t.identifierName(5));
        }
        if (t.words(1, "or", "replace") && (t.word(3, "function") || t.word(3, "procedure"))) {
            return routine(t);
        }
        int kind = t.word(1, "unlogged") ? 2 : 1;
        if (t.word(kind, "table")) {
            return table(t, kind + 1);
        }
        if (t.word(kind, "sequence")) {
            return created(t, kind + 1, Section.PRE_DATA, "as");
        }
        if (t.word(1, "type")) {
            return type(t);
        }
        if (t.word(1, "domain")) {
            return created(t, 2, Section.PRE_DATA, "as");
        }
        if (t.word(1, "aggregate")) {
            return created(t, 2, Section.PRE_DATA, null);
        }
        if (t.word(1, "view")) {
            int end = qualified(t, 2);
            if (!t.word(end, "as") && !(t.word(end, "with") && t.word(t.afterClosing(end + 1), "as"))) {
                throw new NotOwnStatement("a view is created as CREATE VIEW name [WITH (options)] AS query");
            }
            return Shape.of(Section.PRE_DATA, List.of(schemaOf(t, 2, end)));
        }
        if (t.words(1, "materialized", "view")) {
            int n = t.size();
            if (!t.words(n - 3, "with", "no", "data")) {
                throw new NotOwnStatement("a materialized view is created WITH NO DATA and refreshed after the data");
            }
            return Shape.of(Section.PRE_DATA, List.of(schemaOf(t, 3, qualified(t, 3))));
        }
        return createPostData(t);
    }

    private static Shape createPostData(StatementTokens t) {
        int at = t.word(1, "unique") ? 2 : 1;
        if (t.word(at, "index") && t.identifier(at + 1) && t.word(at + 2, "on")) {
            int table = t.word(at + 3, "only") ? at + 4 : at + 3;
            int end = qualified(t, table);
            if (!t.word(end, "using")) {
                throw new NotOwnStatement("an index is created as CREATE INDEX name ON table USING method (…)");
            }
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, table, end)));
        }
        at = t.word(1, "constraint") ? 2 : 1;
        if (t.word(at, "trigger") && t.identifier(at + 1)) {
            int on = t.findWord(at + 2, "on");
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, on + 1, qualified(t, on + 1))));
        }
        if (t.word(1, "rule") && t.identifier(2) && t.words(3, "as", "on")) {
            int to = t.findWord(5, "to");
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, to + 1, qualified(t, to + 1))));
        }
        if (t.word(1, "policy") && t.identifier(2) && t.word(3, "on")) {
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, 4, qualified(t, 4))));
        }
        if (t.word(1, "statistics")) {
            int from = t.findWord(3, "from");
            return Shape.of(Section.POST_DATA, List.of(schemaOf(t, 2, qualified(t, 2)),
                    schemaOf(t, from + 1, qualified(t, from + 1))));
        }
        throw new NotOwnStatement("Mooring's dump engine writes no CREATE statement of this kind");
    }

    /** {@code CREATE … name …} whose name starts at {@code name} and is followed by {@code next} (any when null). */
    private static Shape created(StatementTokens t, int name, Section section, String next) {
        int end = qualified(t, name);
        if (next != null && !t.word(end, next) || next == null && !t.symbol(end, '(')) {
            throw new NotOwnStatement("the name is not followed by " + (next == null ? "(" : next.toUpperCase()));
        }
        return Shape.of(section, List.of(schemaOf(t, name, end)));
    }

    private static Shape type(StatementTokens t) {
        int end = qualified(t, 2);
        if (!t.word(end, "as")) {
            throw new NotOwnStatement("Mooring dumps enum, composite and range types only, as CREATE TYPE name AS …");
        }
        int open = t.word(end + 1, "enum") || t.word(end + 1, "range") ? end + 2 : end + 1;
        if (!t.symbol(open, '(') || t.afterClosing(open) != t.size()) {
            throw new NotOwnStatement("a type's definition is one parenthesised list");
        }
        if (t.word(end + 1, "range")) {
            for (int i = open + 1; i < t.size() - 1; i++) {
                if (t.symbol(i + 1, '=') && !RANGE_OPTIONS.contains(t.get(i).text().toLowerCase(Locale.ROOT))) {
                    throw new NotOwnStatement("a range type option " + t.get(i).text() + " is not one Mooring dumps");
                }
            }
        }
        return Shape.of(Section.PRE_DATA, List.of(schemaOf(t, 2, end)));
    }

    private static Shape routine(StatementTokens t) {
        int end = qualified(t, 4);
        if (!t.symbol(end, '(')) {
            throw new NotOwnStatement("a function's name is followed by its arguments");
        }
        // The first LANGUAGE clause outside parentheses (RETURNS TABLE (language text) is a column) and not a name part.
        String language = null;
        int depth = 0;
        for (int i = t.afterClosing(end); i > 0 && i < t.size() - 1 && language == null; i++) {
            depth += t.symbol(i, '(') ? 1 : t.symbol(i, ')') ? -1 : 0;
            if (depth == 0 && t.word(i, "language") && !t.symbol(i - 1, '.')) {
                StatementTokens.Token name = t.get(i + 1);
                language = name.type() == TokenType.STRING ? name.text().substring(1, name.text().length() - 1)
                        : t.identifier(i + 1) ? t.identifierName(i + 1) : "";
            }
        }
        if (language == null || !LANGUAGES.contains(language.toLowerCase(Locale.ROOT))) {
            throw new NotOwnStatement("Mooring restores functions in " + String.join(", ", LANGUAGES.stream().sorted()
                    .toList()) + " only, whose code cannot reach the operating system"
                    + (language == null ? "" : "; this one is in " + language));
        }
        // A SQL-standard body holds semicolons; it must be BEGIN ATOMIC … END, the one form the splitter keeps whole.
        if (t.contains(';') && !(t.findWord(end, "atomic") > 0 && t.word(t.size() - 1, "end"))) {
            throw new NotOwnStatement("a function's semicolons belong inside its body");
        }
        return Shape.of(Section.PRE_DATA, List.of(schemaOf(t, 4, end)));
    }

    private static Shape table(StatementTokens t, int name) {
        int end = qualified(t, name);
        if (!t.symbol(end, '(')) {
            throw new NotOwnStatement("a table is created as CREATE TABLE name (columns …), never from a query");
        }
        int close = t.afterClosing(end);
        List<String> columns = TableClauses.storedColumns(t, end, close);
        List<List<String>> parents = new ArrayList<>();
        int i = close;
        if (t.word(i, "inherits") && t.symbol(i + 1, '(')) {
            int after = t.afterClosing(i + 1);
            for (int p = i + 2; p < after - 1; ) {
                int pEnd = qualified(t, p);
                parents.add(t.nameParts(p, pEnd));
                p = t.symbol(pEnd, ',') ? pEnd + 1 : pEnd;
                if (p != after - 1 && !t.identifier(p)) {
                    throw new NotOwnStatement("INHERITS lists table names");
                }
            }
            i = after;
        }
        while (i > 0 && i < t.size()) {
            if (t.words(i, "partition", "by")) {
                i = t.afterClosing(t.nextSymbol(i, '('));
            } else if (t.word(i, "with") && t.symbol(i + 1, '(')) {
                i = t.afterClosing(i + 1);
            } else {
                throw new NotOwnStatement("a table's definition ends with INHERITS, PARTITION BY or WITH only");
            }
        }
        if (i < 0) {
            throw new NotOwnStatement("a parenthesis is never closed");
        }
        List<String> table = t.nameParts(name, end);
        return new Shape(Section.PRE_DATA, List.of(table.get(0)), null, null, new TableShape(table, parents, columns),
                null, List.of(), null, null);
    }

    private static Shape alter(StatementTokens t) {
        if (t.words(1, "table")) {
            int at = t.word(2, "only") ? 3 : 2;
            int end = qualified(t, at);
            String schema = schemaOf(t, at, end);
            if (t.words(end, "attach", "partition") && at == 3) {
                int part = end + 2;
                int partEnd = qualified(t, part);
                TableClauses.checkBound(t, partEnd);
                return Shape.of(Section.PRE_DATA, List.of(schema, schemaOf(t, part, partEnd)));
            }
            if (t.words(end, "add", "constraint") && t.identifier(end + 2)) {
                int kind = end + 3;
                boolean key = t.words(kind, "primary", "key") || t.word(kind, "unique") || t.word(kind, "exclude")
                        || t.words(kind, "foreign", "key");
                boolean lateCheck = t.word(kind, "check") && t.words(t.size() - 2, "not", "valid");
                if (!key && !lateCheck) {
                    throw new NotOwnStatement("after the data Mooring adds key, exclusion and foreign-key constraints,"
                            + " and checks only NOT VALID");
                }
                return Shape.of(Section.POST_DATA, List.of(schema));
            }
            boolean trigger = t.words(end, "disable", "trigger") && t.size() == end + 3
                    || (t.words(end, "enable", "replica", "trigger") || t.words(end, "enable", "always", "trigger"))
                    && t.size() == end + 4;
            boolean security = at == 3 && (t.word(end, "enable") || t.word(end, "force"))
                    && t.words(end + 1, "row", "level", "security") && t.size() == end + 4;
            if ((trigger && t.identifier(t.size() - 1)) || security) {
                return Shape.of(Section.POST_DATA, List.of(schema));
            }
        }
        if (t.word(1, "index")) {
            int end = qualified(t, 2);
            if (t.words(end, "attach", "partition")) {
                int index = end + 2;
                return Shape.of(Section.POST_DATA, List.of(schemaOf(t, 2, end),
                        schemaOf(t, index, requireEnd(t, qualified(t, index)))));
            }
        }
        if (t.word(1, "sequence")) {
            int end = qualified(t, 2);
            int column = end + 2;
            if (t.words(end, "owned", "by") && t.nameParts(column, requireEnd(t, qualified(t, column))).size() == 3) {
                return Shape.of(Section.POST_DATA, List.of(schemaOf(t, 2, end)));
            }
        }
        throw new NotOwnStatement("Mooring's dump engine writes no ALTER statement of this kind");
    }

    private static Shape comment(StatementTokens t) {
        int i = 2;
        int n = t.size();
        if (!(t.word(n - 2, "is") && t.is(n - 1, TokenType.STRING))) {
            throw new NotOwnStatement("a comment ends with IS 'text'");
        }
        if (t.word(i, "schema")) {
            if (n != 6) {
                throw new NotOwnStatement("a comment names one object");
            }
            return Shape.of(null, List.of(schema(t, i + 1)));
        }
        if (t.word(i, "constraint") || t.word(i, "trigger") || t.word(i, "rule")) {
            if (!t.identifier(i + 1) || !t.word(i + 2, "on")) {
                throw new NotOwnStatement("a comment on a constraint, trigger or rule names it ON its table");
            }
            i = t.word(i + 3, "domain") ? i + 4 : i + 3;
        } else if (t.words(i, "materialized", "view") || t.words(i, "foreign", "table")) {
            i += 2;
        } else if (List.of("column", "table", "view", "sequence", "index", "type", "domain", "function", "procedure",
                "aggregate").stream().anyMatch(k -> t.word(2, k))) {
            i += 1;
        } else {
            throw new NotOwnStatement("Mooring comments on no object of this kind");
        }
        int end = qualified(t, i);
        if (t.symbol(end, '(')) {
            end = t.afterClosing(end);
        }
        if (end != n - 2) {
            throw new NotOwnStatement("a comment names one object");
        }
        return Shape.of(null, List.of(schemaOf(t, i, qualified(t, i))));
    }

    private static Shape copy(StatementTokens t) {
        int end = qualified(t, 1);
        List<String> columns = new ArrayList<>();
        int i = end;
        if (t.symbol(i, '(')) {
            int close = t.afterClosing(i);
            for (int c = i + 1; c < close - 1; c += 2) {
                if (!t.identifier(c) || !(t.symbol(c + 1, ',') || c + 1 == close - 1)) {
                    throw new NotOwnStatement("a COPY lists column names");
                }
                columns.add(t.identifierName(c));
            }
            i = close;
        }
        if (!t.words(i, "from", "stdin") || t.size() != i + 2) {
            throw new NotOwnStatement("Mooring's dumps copy data only as COPY table (columns) FROM stdin, with the rows"
                    + " following in the script");
        }
        List<String> table = t.nameParts(1, end);
        return new Shape(Section.DATA, List.of(table.get(0)), null, null, null, new CopyShape(table, columns), List.of(),
                null, null);
    }

    private static Shape setval(StatementTokens t) {
        int value = t.symbol(7, '-') ? 8 : 7;
        boolean shape = t.symbol(4, '(') && t.is(5, TokenType.STRING) && t.symbol(6, ',') && t.is(value, TokenType.WORD)
                && t.get(value).text().chars().allMatch(Character::isDigit) && t.symbol(value + 1, ',')
                && (t.word(value + 2, "true") || t.word(value + 2, "false")) && t.symbol(value + 3, ')')
                && t.size() == value + 4;
        if (!shape) {
            throw new NotOwnStatement("a sequence value is set as SELECT pg_catalog.setval('sequence', value, true|false)");
        }
        String literal = t.get(5).text();
        StatementTokens sequence = StatementTokens.of(literal.substring(1, literal.length() - 1).replace("''", "'"));
        int end = sequence.nameEnd(0);
        if (end != sequence.size() || sequence.nameParts(0, end).size() != 2) {
            throw new NotOwnStatement("setval names a schema-qualified sequence");
        }
        return Shape.of(Section.SEQUENCE_VALUES, List.of(sequence.nameParts(0, end).get(0)));
    }

    /** The end of a schema-qualified name ({@code schema.object}) at {@code i}; throws if there is none. */
    static int qualified(StatementTokens t, int i) {
        int end = t.nameEnd(i);
        if (end < 0 || t.nameParts(i, end).size() < 2) {
            throw new NotOwnStatement("Mooring's dumps name every object with its schema");
        }
        return end;
    }

    /** The schema of the qualified name from {@code i} to {@code end}. */
    static String schemaOf(StatementTokens t, int i, int end) {
        return t.nameParts(i, end).get(0);
    }

    /** A schema name at {@code i}: one identifier, not one of the system's. */
    static String schema(StatementTokens t, int i) {
        if (!t.identifier(i)) {
            throw new NotOwnStatement("a schema name is expected here");
        }
        String name = t.identifierName(i);
        if (name.startsWith("pg_") || name.equals("information_schema")) {
            throw new NotOwnStatement("Mooring never dumps the system schema " + name);
        }
        return name;
    }

    /** {@code end} if it is the end of the statement; throws otherwise. */
    static int requireEnd(StatementTokens t, int end) {
        if (end != t.size()) {
            throw new NotOwnStatement("the statement goes on where Mooring's ends");
        }
        return end;
    }
}
