-- Who started each run, in words: "the scheduler", "the command line (rpd ingest, account rpd)", or the
-- signed-in user who pressed Refresh now ("Ade (demo) (Administrator), signed in as ade"). Runs recorded
-- before this step have none; the run history then shows their trigger.
ALTER TABLE meta_ingest_run ADD COLUMN IF NOT EXISTS started_by VARCHAR;
