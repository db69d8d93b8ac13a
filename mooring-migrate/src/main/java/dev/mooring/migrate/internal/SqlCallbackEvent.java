package dev.mooring.migrate.internal;

/** The moments at which SQL callback files run, and their file names. */
public enum SqlCallbackEvent {
    BEFORE_MIGRATE("beforeMigrate.sql"),
    AFTER_MIGRATE("afterMigrate.sql"),
    BEFORE_EACH_MIGRATE("beforeEachMigrate.sql"),
    AFTER_EACH_MIGRATE("afterEachMigrate.sql");

    private final String fileName;

    SqlCallbackEvent(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    /** The event for a callback file name, or {@code null}. */
    public static SqlCallbackEvent forFileName(String name) {
        for (SqlCallbackEvent e : values()) {
            if (e.fileName.equals(name)) {
                return e;
            }
        }
        return null;
    }
}
