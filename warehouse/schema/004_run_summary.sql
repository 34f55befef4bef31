-- "What changed" in each run, in plain English (Markdown), written as the run is published.
CREATE TABLE IF NOT EXISTS meta_run_summary (
    run_id      VARCHAR NOT NULL,
    summary_md  VARCHAR NOT NULL
);
