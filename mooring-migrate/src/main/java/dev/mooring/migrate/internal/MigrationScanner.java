package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds migration files in locations: {@code filesystem:<folder>} (or a bare folder path) and
 * {@code classpath:<folder>}, including class path folders inside jars. Sub-folders are searched too. Files not
 * ending in {@code .sql} are ignored. Stateless and thread-safe.
 */
public final class MigrationScanner {
    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    /** Migrations in version order (repeatables last, by description), and callbacks per event. */
    public record Scan(List<MigrationScript> migrations, Map<SqlCallbackEvent, List<String>> callbacks) {
    }

    private record Source(String name, String location, MigrationFileParser.Parsed parsed) {
    }

    private MigrationScanner() {
    }

    public static Scan scan(List<String> locations, ClassLoader classLoader) {
        List<Source> sources = new ArrayList<>();
        for (String location : locations) {
            if (location.startsWith(CLASSPATH)) {
                readClasspath(location, trimSlashes(location.substring(CLASSPATH.length())), classLoader, sources);
            } else {
                String folder = location.startsWith(FILESYSTEM) ? location.substring(FILESYSTEM.length()) : location;
                readFolder(location, Path.of(folder), sources);
            }
        }
        return assemble(sources);
    }

    private static Scan assemble(List<Source> sources) {
        Map<String, MigrationScript> byKey = new HashMap<>();
        Map<MigrationVersion, MigrationFileParser.Down> downs = new HashMap<>();
        Map<SqlCallbackEvent, List<String>> callbacks = new EnumMap<>(SqlCallbackEvent.class);
        sources.sort(Comparator.comparing(Source::location).thenComparing(Source::name));
        for (Source source : sources) {
            MigrationFileParser.Parsed parsed = source.parsed();
            if (parsed instanceof MigrationFileParser.Migration m) {
                MigrationScript previous = byKey.putIfAbsent(m.script().key(), m.script());
                if (previous != null) {
                    throw duplicate(m.script().version() != null ? "version " + m.script().version()
                            : "repeatable description '" + m.script().description() + "'", previous.script(),
                            previous.location(), source);
                }
            } else if (parsed instanceof MigrationFileParser.Down d) {
                MigrationFileParser.Down previous = downs.putIfAbsent(d.version(), d);
                if (previous != null) {
                    throw duplicate("DOWN file for version " + d.version(), previous.file(), source.location(), source);
                }
            } else if (parsed instanceof MigrationFileParser.Callback c) {
                callbacks.computeIfAbsent(c.event(), e -> new ArrayList<>()).add(c.sql());
            }
        }
        for (MigrationFileParser.Down d : downs.values()) {
            MigrationScript m = byKey.get("V:" + d.version().canonical());
            if (m == null) {
                throw new MooringException(ErrorCode.INVALID_MIGRATION, "'" + d.file()
                        + "' is a DOWN file but there is no migration with version " + d.version() + ".");
            }
            if (m.down() != null) {
                throw new MooringException(ErrorCode.INVALID_MIGRATION, "Version " + d.version() + " has both a -- DOWN section in '"
                        + m.script() + "' and a DOWN file '" + d.file() + "'. Keep one.");
            }
            byKey.put(m.key(), m.withDown(d.sql(), d.file(), d.line()));
        }
        List<MigrationScript> ordered = new ArrayList<>(byKey.values());
        ordered.sort(MigrationScanner::order);
        return new Scan(Collections.unmodifiableList(ordered), callbacks);
    }

    private static int order(MigrationScript a, MigrationScript b) {
        if (a.version() != null && b.version() != null) {
            return a.version().compareTo(b.version());
        }
        if (a.version() == null && b.version() == null) {
            return a.description().compareTo(b.description());
        }
        return a.version() == null ? 1 : -1;
    }

    private static MooringException duplicate(String what, String firstFile, String firstLocation, Source second) {
        return new MooringException(ErrorCode.INVALID_MIGRATION, "Duplicate " + what + ": '" + firstFile + "' in "
                + firstLocation + " and '" + second.name() + "' in " + second.location() + ". Rename one of them.");
    }

    private static MigrationFileParser.Parsed parse(String name, String location, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MooringException(ErrorCode.INVALID_MIGRATION, "'" + name + "' in " + location
                    + " is not valid UTF-8. Save it as UTF-8.", e);
        }
        return MigrationFileParser.parse(name, location, text);
    }

    private static void readFolder(String location, Path folder, List<Source> out) {
        if (!Files.isDirectory(folder)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Migration location '" + location
                    + "' is not a folder (" + folder.toAbsolutePath() + "). Check --locations.");
        }
        try {
            // walkFileTree hands over each file's attributes from the one stat it makes, which the cache needs.
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String name = file.getFileName().toString();
                    if (attributes.isRegularFile() && name.endsWith(".sql")) {
                        MigrationFileParser.Parsed parsed = ParsedFileCache.get(location, file, attributes);
                        if (parsed == null) {
                            parsed = parse(name, location, readFile(file));
                            ParsedFileCache.put(location, file, attributes, parsed);
                        }
                        out.add(new Source(name, location, parsed));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not list migration location '" + location + "': " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.INVALID_MIGRATION, "Could not read migration file " + p + ": " + e, e);
        }
    }

    private static void readClasspath(String location, String path, ClassLoader loader, List<Source> out) {
        try {
            Enumeration<URL> roots = loader.getResources(path);
            boolean found = false;
            while (roots.hasMoreElements()) {
                found = true;
                URL url = roots.nextElement();
                switch (url.getProtocol()) {
                    case "file" -> readFolder(location, Path.of(url.toURI()), out);
                    case "jar" -> readJar(location, path, url, out);
                    default -> throw new MooringException(ErrorCode.CONFIGURATION, "Cannot list class path location '"
                            + location + "' served from a " + url.getProtocol() + ": URL. Use a folder or a jar.");
                }
            }
            if (!found) {
                throw new MooringException(ErrorCode.CONFIGURATION, "Migration location '" + location
                        + "' is not on the class path. Check --locations, or put the files under src/main/resources/" + path + ".");
            }
        } catch (IOException | URISyntaxException e) {
            throw new MooringException(ErrorCode.IO, "Could not list class path location '" + location + "': " + e.getMessage(), e);
        }
    }

    private static void readJar(String location, String path, URL url, List<Source> out) throws IOException {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        String prefix = path.isEmpty() ? "" : path + "/";
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && name.endsWith(".sql")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        String file = name.substring(name.lastIndexOf('/') + 1);
                        out.add(new Source(file, location, parse(file, location, in.readAllBytes())));
                    }
                }
            }
        }
    }

    private static String trimSlashes(String s) {
        String t = s;
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
