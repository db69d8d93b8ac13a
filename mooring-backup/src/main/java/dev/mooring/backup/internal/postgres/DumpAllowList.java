package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.StatementText;
import dev.mooring.backup.internal.postgres.StatementShapes.CopyShape;
import dev.mooring.backup.internal.postgres.StatementShapes.Shape;
import dev.mooring.backup.internal.postgres.StatementShapes.TableShape;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a restore of a Mooring backup may run: only the statements Mooring's dump engine writes, each in the section of
 * the script where the engine writes it ({@link DumpScript}), and each on objects of the schemas the backup itself
 * recreates. Any other statement, marker or meta-command stops the run with {@link ScriptFailure#notOwn}, naming it
 * and its line. The forms are recognised on the lexer's tokens ({@link StatementShapes}), so comments, quotes and
 * dollar quotes read as PostgreSQL reads them.
 *
 * <p>On top of the forms, the order the engine follows is enforced where it matters: the header's settings come first
 * and are exactly the engine's (so strings lex the same on the server as here); triggers, rules and policies are
 * created only after all the data, so none fires during the restore; every {@code COPY} lists all the stored
 * columns of a table the backup creates, so no column default runs; the clean section drops only schemas the backup
 * recreates; nothing follows the end marker.
 *
 * <p>A restore checks a whole script with a {@link #forScan() scan} list before running any of it, then runs it with a
 * {@link #forRun run} list built from what the scan found, which checks every statement again before it runs (the
 * file is read twice) and skips privilege statements that name a role missing on the target, noting the role.
 *
 * <p>Not thread-safe: one instance per pass over one script.
 */
final class DumpAllowList implements PsqlScriptRunner.StatementFilter {
    /** The parts of a dump script, in the order the engine writes them. */
    enum Section {
        HEADER("the header"), CLEAN("the clean section"), PRE_DATA("the definitions before the data"),
        DATA("the table data"), SEQUENCE_VALUES("the sequence values"), POST_DATA("the definitions after the data"),
        PRIVILEGES("the privileges"), COMPLETE("the end marker");

        private final String description;

        Section(String description) {
            this.description = description;
        }
    }

    private static final List<String> HEADER = DumpScript.settings().stream().map(s -> normalized(StatementTokens.of(s)))
            .toList();

    private final boolean scan;
    private final Set<String> schemas;
    private final Set<String> roles;
    private final Set<String> actingRoles;
    private final Map<String, String> extensions = new LinkedHashMap<>();
    private final Map<String, Long> drops = new LinkedHashMap<>();
    private final Map<List<String>, List<String>> tables = new HashMap<>();
    private final Set<String> missingRoles = new TreeSet<>();
    private Section section = Section.HEADER;
    private int headerStatements;
    private long line;
    private String sectionBegun = "";

    private DumpAllowList(boolean scan, Set<String> schemas, Set<String> roles, Set<String> actingRoles) {
        this.scan = scan;
        this.schemas = schemas;
        this.roles = roles;
        this.actingRoles = actingRoles;
    }

    /** A list for the check before anything runs: learns the backup's schemas as it goes; checks no roles. */
    static DumpAllowList forScan() {
        return new DumpAllowList(true, new LinkedHashSet<>(), null, null);
    }

    /**
     * A list for the run that follows a successful scan: only {@code schemas} (the scan's {@link #schemas()}) may be
     * touched; privilege statements granting to a role not in {@code existingRoles}, or setting the default
     * privileges of a role not in {@code actingRoles} (those the restoring role is a member of), are skipped.
     */
    static DumpAllowList forRun(Set<String> schemas, Set<String> existingRoles, Set<String> actingRoles) {
        return new DumpAllowList(false, Set.copyOf(schemas), Set.copyOf(existingRoles), Set.copyOf(actingRoles));
    }

    /** The extensions the script installs, by name, with the schema each goes into, in the script's order. */
    Map<String, String> extensions() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** The section of the script the last statement or marker was in. */
    Section section() {
        return section;
    }

    /** The schemas the script recreates, as far as it has been read. */
    Set<String> schemas() {
        return Set.copyOf(schemas);
    }

    /**
     * The roles whose privilege statements a run skipped, sorted: grantees the target has no such role for, and roles
     * whose default privileges the restoring role may not set (it is not a member of them, or they do not exist).
     */
    Set<String> missingRoles() {
        return Set.copyOf(missingRoles);
    }

    @Override
    public void marker(String marker, long line) {
        Section next = switch (marker) {
            case PsqlScriptRunner.CLEAN_BEGIN -> section == Section.HEADER && headerStatements == HEADER.size()
                    ? Section.CLEAN : null;
            case PsqlScriptRunner.CLEAN_END -> section == Section.CLEAN ? Section.PRE_DATA : null;
            case PsqlScriptRunner.MOORING_COMPLETE -> section.compareTo(Section.PRE_DATA) >= 0
                    && section != Section.COMPLETE ? Section.COMPLETE : null;
            default -> null;
        };
        if (next == null) {
            throw ScriptFailure.notOwn(line, marker, "the marker is not where Mooring's dumps put it", scan);
        }
        section = next;
    }

    @Override
    public void metaCommand(String command, long line) {
        throw ScriptFailure.notOwn(line, command, "Mooring's dumps hold no psql meta-commands", scan);
    }

    @Override
    public boolean admit(String sql, long line) {
        this.line = line;
        try {
            boolean run = admit(StatementTokens.of(sql), sql);
            if (!sectionBegun.startsWith(section.name())) {
                sectionBegun = section.name() + ": line " + line + " (" + StatementText.quoted(sql) + ")";
            }
            return run;
        } catch (NotOwnStatement e) {
            throw ScriptFailure.notOwn(line, sql, e.getMessage(), scan);
        }
    }

    /**
     * After a scan: the checks that need the whole script. Throws as {@link #admit} does when the clean section drops
     * a schema the backup does not recreate.
     */
    void finish() {
        for (Map.Entry<String, Long> drop : drops.entrySet()) {
            if (!schemas.contains(drop.getKey())) {
                throw ScriptFailure.notOwn(drop.getValue(), "DROP SCHEMA IF EXISTS " + drop.getKey() + " CASCADE",
                        "the clean section drops a schema the backup does not recreate", scan);
            }
        }
    }

    private boolean admit(StatementTokens t, String sql) {
        if (sql.indexOf('\0') >= 0 || t.truncated()) {
            throw new NotOwnStatement("it holds a NUL character or an unclosed quote");
        }
        if (section == Section.HEADER) {
            if (headerStatements < HEADER.size() && normalized(t).equals(HEADER.get(headerStatements))) {
                headerStatements++;
                return true;
            }
            throw new NotOwnStatement("the header of Mooring's dumps holds exactly the settings "
                    + String.join("; ", DumpScript.settings()));
        }
        Shape shape = StatementShapes.read(t);
        if (t.contains(';') && !t.words(0, "create", "rule") && !t.words(0, "create", "or", "replace")) {
            throw new NotOwnStatement("it holds more than one statement");
        }
        place(shape.section());
        for (String schema : shape.schemas()) {
            requireSchema(schema, shape);
        }
        if (shape.droppedSchema() != null) {
            requireDroppable(shape.droppedSchema());
        }
        if (shape.table() != null) {
            created(shape.table());
        }
        if (shape.copy() != null) {
            copied(shape.copy());
        }
        if (shape.extension() != null) {
            extensions.put(shape.extension(), shape.schemas().get(0));
        }
        if (roles == null) {
            return true;
        }
        List<String> missing = new ArrayList<>(shape.roles().stream().filter(r -> !roles.contains(r)).toList());
        if (shape.actingRole() != null && !actingRoles.contains(shape.actingRole())) {
            missing.add(shape.actingRole());
        }
        missingRoles.addAll(missing);
        return missing.isEmpty();
    }

    /** Moves to {@code next}, the statement's section ({@code null}: a comment), if the engine's order allows it. */
    private void place(Section next) {
        if (section == Section.COMPLETE) {
            throw new NotOwnStatement("nothing follows the end marker of Mooring's dumps");
        }
        if (next == null) {
            if (section.compareTo(Section.PRE_DATA) < 0 || section == Section.PRIVILEGES) {
                throw new NotOwnStatement("comments belong with the definitions, not in " + section.description);
            }
            section = section == Section.PRE_DATA ? Section.PRE_DATA : Section.POST_DATA;
            return;
        }
        if (next == Section.CLEAN ? section != Section.CLEAN
                : section.compareTo(Section.PRE_DATA) < 0 || next.compareTo(section) < 0) {
            throw new NotOwnStatement("it belongs in " + next.description + ", but the script is already in "
                    + section.description + ", which began at " + sectionBegun.substring(section.name().length() + 2));
        }
        section = next;
    }

    private void requireSchema(String schema, Shape shape) {
        if (shape.createdSchema() != null && scan) {
            schemas.add(schema);
        } else if (!schemas.contains(schema)) {
            throw new NotOwnStatement("it touches schema " + schema + ", which the backup does not recreate");
        }
    }

    private void requireDroppable(String schema) {
        if (scan) {
            drops.putIfAbsent(schema, line);
        } else if (!schemas.contains(schema)) {
            throw new NotOwnStatement("the clean section drops a schema the backup does not recreate");
        }
    }

    private void created(TableShape table) {
        List<String> columns = new ArrayList<>();
        for (List<String> parent : table.parents()) {
            List<String> inherited = tables.get(parent);
            if (inherited == null) {
                throw new NotOwnStatement("it inherits from a table the backup has not created");
            }
            columns.addAll(inherited);
        }
        new LinkedHashSet<>(table.columns()).stream().filter(c -> !columns.contains(c)).forEach(columns::add);
        tables.put(table.name(), List.copyOf(columns));
    }

    private void copied(CopyShape copy) {
        List<String> stored = tables.get(copy.table());
        if (stored == null) {
            throw new NotOwnStatement("it copies rows into a table the backup does not create");
        }
        if (!new LinkedHashSet<>(copy.columns()).equals(new LinkedHashSet<>(stored))
                || copy.columns().size() != stored.size()) {
            throw new NotOwnStatement("it does not list every stored column of the table (" + String.join(", ", stored)
                    + "), so the restore would compute a default");
        }
    }

    /** The statement's code tokens, words in lower case, one space apart: equal for the same statement. */
    private static String normalized(StatementTokens t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.size(); i++) {
            StatementTokens.Token token = t.get(i);
            sb.append(i == 0 ? "" : " ").append(token.type() == TokenType.WORD
                    ? token.text().toLowerCase(Locale.ROOT) : token.text());
        }
        return sb.toString();
    }
}
