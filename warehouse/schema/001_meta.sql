-- Runs, files and checks: every number in the warehouse can be traced to the file and run it came from.
CREATE TABLE IF NOT EXISTS meta_ingest_run (
    run_id          VARCHAR NOT NULL,      -- e.g. 20261123T060000Z-4f2a
    trigger         VARCHAR NOT NULL,      -- cli | demo | schedule | app
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    outcome         VARCHAR NOT NULL,      -- succeeded | some files rejected | nothing to do
    files_seen      INTEGER NOT NULL,
    files_loaded    INTEGER NOT NULL,
    files_rejected  INTEGER NOT NULL,
    files_skipped   INTEGER NOT NULL,
    rows_loaded     BIGINT NOT NULL,
    duration_s      DOUBLE
);

CREATE TABLE IF NOT EXISTS meta_ingest_file (
    file_id         VARCHAR NOT NULL,      -- run_id + sequence
    run_id          VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR,               -- of the bytes received; identical files are loaded once
    size_bytes      BIGINT,
    source          VARCHAR,               -- which kind of file it was recognised as, if any
    outcome         VARCHAR NOT NULL,      -- loaded | rejected | skipped
    rows_in_file    BIGINT,
    rows_loaded     BIGINT,
    rows_replaced   BIGINT,                -- earlier rows this file replaced (resubmissions)
    checks_passed   INTEGER,
    checks_failed   INTEGER,
    message         VARCHAR,               -- plain English
    kept_as         VARCHAR,               -- path of the archived or quarantined copy
    received_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS meta_check_result (
    run_id          VARCHAR NOT NULL,
    file_id         VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    check_type      VARCHAR NOT NULL,      -- the Great Expectations expectation
    column_name     VARCHAR,
    rule            VARCHAR NOT NULL,      -- what the check asks, in plain English
    success         BOOLEAN NOT NULL,
    rows_failing    BIGINT,
    failing_rows    VARCHAR,               -- file row numbers (header is row 1), at most 200
    found_values    VARCHAR                -- a sample of what was found (hidden for identifier checks)
);
