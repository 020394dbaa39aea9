package com.example.notes;

import java.util.UUID;

/** A short text, kept in the Redis Cluster so that any instance can answer for it. */
public record Note(UUID id, String text) {
}
