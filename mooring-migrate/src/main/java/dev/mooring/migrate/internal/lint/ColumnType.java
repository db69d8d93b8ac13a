package dev.mooring.migrate.internal.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A column's declared type, normalised so that spellings of one type compare equal ({@code int4},
 * {@code integer}, {@code serial}), and the judgement of whether changing one type to another can lose values.
 * Lengths and precisions that are not given are {@link #UNBOUNDED}. Immutable.
 *
 * @param name      normalised name: {@code smallint}, {@code integer}, {@code bigint}, {@code numeric}, {@code real},
 *                  {@code double precision}, {@code varchar}, {@code char}, {@code text}, {@code timestamp},
 *                  {@code timestamptz}, {@code date}, or the declared words in lower case
 * @param precision length, precision or first modifier; {@link #UNBOUNDED} if none
 * @param scale     scale or second modifier; {@link #UNBOUNDED} if none
 */
record ColumnType(String name, int precision, int scale) {
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /** What a type change does to existing values and to values older clients send. */
    enum Change { SAFE, NARROWING, UNPROVEN }

    // Words that end a type inside a column definition or an ALTER COLUMN … TYPE action.
    private static final Set<String> STOP_WORDS = Set.of("not", "null", "default", "primary", "unique", "check",
            "references", "constraint", "collate", "generated", "using", "as", "on", "autoincrement", "identity");
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final int[] INTEGER_DIGITS = {5, 10, 19};
    private static final Set<String> TEXTS = Set.of("varchar", "char", "text");
    private static final Set<String> TIMESTAMPS = Set.of("timestamp", "timestamptz");

    /** Reads a type at {@code c}, stopping at the first constraint keyword; {@code null} if there is none. */
    static ColumnType read(TokenCursor c) {
        StringBuilder words = new StringBuilder();
        List<Integer> modifiers = new ArrayList<>();
        boolean array = false;
        while (!c.atEnd()) {
            String word = c.word();
            if (word != null && !STOP_WORDS.contains(word.toLowerCase(Locale.ROOT)) || c.atQuotedIdentifier()) {
                words.append(words.length() == 0 ? "" : " ").append(c.text().toLowerCase(Locale.ROOT));
                c.advance();
                TokenCursor inside = c.parenthesized();
                if (inside != null) {
                    modifiers.addAll(modifiers(inside));
                }
            } else if (c.acceptSymbol('.')) {
                words.append('.');
            } else if (c.acceptSymbol('[')) {
                array = true;
                while (!c.atEnd() && !c.acceptSymbol(']')) {
                    c.advance();
                }
            } else {
                break;
            }
        }
        return words.length() == 0 ? null : of(words.toString().replace(". ", "."), modifiers, array);
    }

    private static List<Integer> modifiers(TokenCursor inside) {
        List<Integer> values = new ArrayList<>();
        for (TokenCursor part : inside.splitAtTopLevel(',')) {
            boolean negative = part.acceptSymbol('-');
            String digits = part.text();
            try {
                int value = digits == null ? UNBOUNDED : Integer.parseInt(digits);
                values.add(negative ? -value : value);
            } catch (NumberFormatException e) {
                values.add(UNBOUNDED);
            }
        }
        return values;
    }

    static ColumnType of(String words, List<Integer> modifiers, boolean array) {
        int first = modifiers.isEmpty() ? UNBOUNDED : modifiers.get(0);
        int second = modifiers.size() < 2 ? UNBOUNDED : modifiers.get(1);
        if (array) {
            return new ColumnType(words + "[]", first, second);
        }
        return switch (words) {
            case "smallint", "int2", "smallserial", "serial2" -> new ColumnType("smallint", UNBOUNDED, UNBOUNDED);
            case "int", "integer", "int4", "serial", "serial4", "mediumint" -> new ColumnType("integer", UNBOUNDED, UNBOUNDED);
            case "bigint", "int8", "bigserial", "serial8" -> new ColumnType("bigint", UNBOUNDED, UNBOUNDED);
            case "numeric", "decimal" -> new ColumnType("numeric", first, first == UNBOUNDED ? UNBOUNDED : modifiers.size() < 2 ? 0 : second);
            case "real", "float4" -> new ColumnType("real", UNBOUNDED, UNBOUNDED);
            case "double precision", "float8", "double" -> new ColumnType("double precision", UNBOUNDED, UNBOUNDED);
            case "float" -> new ColumnType(first <= 24 ? "real" : "double precision", UNBOUNDED, UNBOUNDED);
            case "varchar", "character varying", "char varying", "nvarchar" -> new ColumnType("varchar", first, UNBOUNDED);
            // char without a length is char(1); PostgreSQL's internal bpchar without one is unbounded.
            case "char", "character", "nchar" -> new ColumnType("char", modifiers.isEmpty() ? 1 : first, UNBOUNDED);
            case "bpchar" -> new ColumnType("char", first, UNBOUNDED);
            case "text" -> new ColumnType("text", UNBOUNDED, UNBOUNDED);
            case "timestamp", "timestamp without time zone" -> new ColumnType("timestamp", first, UNBOUNDED);
            case "timestamptz", "timestamp with time zone" -> new ColumnType("timestamptz", first, UNBOUNDED);
            default -> new ColumnType(words, first, second);
        };
    }

    /** What changing a column from {@code from} to {@code to} does. */
    static Change change(ColumnType from, ColumnType to) {
        if (from.equals(to)) {
            return Change.SAFE;
        }
        int fromInt = INTEGERS.indexOf(from.name);
        int toInt = INTEGERS.indexOf(to.name);
        if (fromInt >= 0 && toInt >= 0) {
            return toInt >= fromInt ? Change.SAFE : Change.NARROWING;
        }
        if (toInt >= 0) {
            return isFractional(from) ? Change.NARROWING : Change.UNPROVEN;
        }
        if (fromInt >= 0) {
            return fromInteger(fromInt, to);
        }
        if (from.name.equals("numeric") && to.name.equals("numeric")) {
            return numericChange(from, to);
        }
        if (isFractional(from) && isFractional(to)) {
            // real -> double precision is the one exact widening among binary and decimal fractions.
            return from.name.equals("real") && to.name.equals("double precision") ? Change.SAFE
                    : from.name.equals("double precision") && to.name.equals("real") ? Change.NARROWING : Change.UNPROVEN;
        }
        if (TEXTS.contains(from.name) && TEXTS.contains(to.name)) {
            return length(to) >= length(from) ? Change.SAFE : Change.NARROWING;
        }
        if (TIMESTAMPS.contains(from.name) && to.name.equals("date")) {
            return Change.NARROWING;
        }
        if (from.name.equals("date") && TIMESTAMPS.contains(to.name)) {
            return Change.SAFE;
        }
        if (from.name.equals(to.name) && TIMESTAMPS.contains(from.name)) {
            return to.precision >= from.precision ? Change.SAFE : Change.UNPROVEN;
        }
        return Change.UNPROVEN;
    }

    private static Change fromInteger(int fromInt, ColumnType to) {
        return switch (to.name) {
            case "numeric" -> to.precision == UNBOUNDED || to.precision - to.scale >= INTEGER_DIGITS[fromInt]
                    ? Change.SAFE : Change.NARROWING;
            // real holds integers exactly up to 2^24, double precision up to 2^53.
            case "real" -> fromInt == 0 ? Change.SAFE : Change.NARROWING;
            case "double precision" -> fromInt <= 1 ? Change.SAFE : Change.NARROWING;
            default -> Change.UNPROVEN;
        };
    }

    private static Change numericChange(ColumnType from, ColumnType to) {
        if (to.precision == UNBOUNDED) {
            return Change.SAFE;
        }
        if (from.precision == UNBOUNDED) {
            return Change.NARROWING;
        }
        boolean keepsIntegerDigits = to.precision - to.scale >= from.precision - from.scale;
        return keepsIntegerDigits && to.scale >= from.scale ? Change.SAFE : Change.NARROWING;
    }

    private static boolean isFractional(ColumnType type) {
        return type.name.equals("numeric") || type.name.equals("real") || type.name.equals("double precision");
    }

    private static int length(ColumnType type) {
        return type.name.equals("text") ? UNBOUNDED : type.precision;
    }

    /** The type as SQL, e.g. {@code varchar(20)}, {@code numeric(10,2)}. */
    @Override
    public String toString() {
        if (precision == UNBOUNDED || name.equals("smallint") || name.equals("integer") || name.equals("bigint")) {
            return name;
        }
        String modifiers = scale == UNBOUNDED || name.equals("varchar") || name.equals("char") ? "(" + precision + ")"
                : "(" + precision + "," + scale + ")";
        return name + modifiers;
    }
}
