package dev.mooring.cli.internal;

import dev.mooring.migrate.MigrationFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mooring new}: a timestamped migration file with an UP/DOWN template. */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create <UTC timestamp>_<description>.sql with -- UP and -- DOWN sections.")
public final class NewCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DESCRIPTION", description = "What the migration does, e.g. add events index.")
    List<String> words;

    @Option(names = "--dir", defaultValue = "db/migration", description = "Folder to write to. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--json", description = "Print the created file, its version and description as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String description = String.join(" ", words);
        Path file = MigrationFiles.create(dir, description, Instant.now());
        if (json) {
            String name = file.getFileName().toString();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", file.toString());
            doc.put("version", name.substring(0, name.indexOf('_')));
            doc.put("description", description.strip());
            Output.json(spec.commandLine().getOut(), doc);
        } else {
            Output.text(spec.commandLine().getOut(), "Created " + file);
        }
        return 0;
    }
}
