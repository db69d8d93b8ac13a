package dev.mooring.examples.notes;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The application's own API: plain SQL on the migrated table. Mooring's capture triggers record every write for the
 * users' devices. A demo: the user comes as a parameter, where a real application would take it from its login.
 */
@RestController
class NotesController {
    private final JdbcTemplate jdbc;

    NotesController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/notes")
    List<Map<String, Object>> list(@RequestParam String user) {
        return jdbc.queryForList("SELECT id, body, pinned, created_at FROM notes WHERE user_id = ? AND deleted_at IS NULL"
                + " ORDER BY pinned DESC, created_at", user);
    }

    @PostMapping("/notes")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> add(@RequestParam String user, @RequestBody String body) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO notes (id, user_id, body) VALUES (?, ?, ?)", id, user, body);
        return Map.of("id", id, "body", body);
    }
}
