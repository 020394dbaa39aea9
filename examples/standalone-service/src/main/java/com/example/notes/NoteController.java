package com.example.notes;

import dev.sluice.starter.problem.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/**
 * {@code POST /api/notes} adds a note (idempotent by {@code Idempotency-Key}, see application.yml) and
 * {@code GET /api/notes/{id}} reads one. Malformed ids and bodies are refused as problem+json by the starter.
 */
@RestController
@RequestMapping("/api/notes")
class NoteController {

    private final NoteStore notes;

    NoteController(NoteStore notes) {
        this.notes = notes;
    }

    record NewNote(@NotBlank @Size(max = 280) String text) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Note add(@Valid @RequestBody NewNote note) {
        return notes.add(note.text());
    }

    @GetMapping("/{id}")
    Note get(@PathVariable UUID id) {
        return notes.find(id).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND,
                Problems.of(HttpStatus.NOT_FOUND, "note_not_found", "No note with id " + id), null));
    }
}
