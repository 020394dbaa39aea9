package dev.sluice.gateway.store;

/** A revision without its routes: one entry of the history. */
public record RevisionSummary(long revision, String time, String actor, String summary) {
}
