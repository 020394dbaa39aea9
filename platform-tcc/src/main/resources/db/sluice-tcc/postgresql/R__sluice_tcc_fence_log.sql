-- Seata TCC fence log (status: 1 tried, 2 committed, 3 rolled back, 4 suspended).
-- A repeatable migration, so its number never collides with the service's own versions.
CREATE TABLE IF NOT EXISTS tcc_fence_log
(
    xid          VARCHAR(128) NOT NULL,
    branch_id    BIGINT       NOT NULL,
    action_name  VARCHAR(64)  NOT NULL,
    status       SMALLINT      NOT NULL,
    gmt_create   TIMESTAMP(3) NOT NULL,
    gmt_modified TIMESTAMP(3) NOT NULL,
    PRIMARY KEY (xid, branch_id)
);
CREATE INDEX IF NOT EXISTS idx_tcc_fence_log_gmt_modified ON tcc_fence_log (gmt_modified);
CREATE INDEX IF NOT EXISTS idx_tcc_fence_log_status ON tcc_fence_log (status);
