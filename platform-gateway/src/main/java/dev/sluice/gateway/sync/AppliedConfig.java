package dev.sluice.gateway.sync;

import java.time.Instant;

/**
 * What this node serves right now.
 *
 * @param revision  the applied revision; 0 when the node serves its YAML routes without having reached the store
 * @param committed the applied revision's commit time, which tells it apart from a revision with the same number
 * @param appliedAt when this node swapped it in
 * @param source    {@code redis}, {@code disk} (the last applied copy, Redis being away) or {@code yaml}
 * @param stale     true while the node could not confirm it has the store's head revision
 * @param error     why the store's head could not be applied here, if it could not
 */
public record AppliedConfig(long revision, String committed, Instant appliedAt, String source, boolean stale,
        String error) {

    AppliedConfig markStale(boolean nowStale) {
        return new AppliedConfig(revision, committed, appliedAt, source, nowStale, error);
    }

    AppliedConfig withError(String newError) {
        return new AppliedConfig(revision, committed, appliedAt, source, stale, newError);
    }
}
