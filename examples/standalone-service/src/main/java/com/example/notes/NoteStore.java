package com.example.notes;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

import java.util.Optional;
import java.util.UUID;

/**
 * Notes in the Redis Cluster, one string key each. The service keeps nothing in memory, so instances can come and
 * go without losing a note.
 */
@Repository
public class NoteStore {

    private static final String PREFIX = "notes:note:";

    private final StringRedisTemplate redis;

    public NoteStore(StringRedisTemplate redis) {
        this.redis = redis;
    }

    public Note add(String text) {
        Note note = new Note(UUID.randomUUID(), text);
        redis.opsForValue().set(PREFIX + note.id(), text);
        return note;
    }

    public Optional<Note> find(UUID id) {
        return Optional.ofNullable(redis.opsForValue().get(PREFIX + id)).map(text -> new Note(id, text));
    }
}
