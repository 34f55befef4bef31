"""Flags: providers dispute a contract-month's referral count; RPD teams review them.

The one store that cannot be rebuilt from files, so it lives outside the warehouse versions:
- `store`: the flag store (SQLite or PostgreSQL through SQLAlchemy Core), its rules and messages.
  No Streamlit: the refresh summary (`ingest.summary`, run by `rpd` and the scheduler) reads it too.
- `view`: what the pages show (the app's store, the flags a signed-in user may see, and the tables
  shown and downloaded).
The pages themselves are `dashboard/pages/flags.py` and `dashboard/pages/triage.py`; the warehouse
queries they run are `dashboard/queries/flags.py`, with every other named query.

Nothing is imported here, so `import dashboard.flags.store` never loads Streamlit.
"""
