"""The demo's landing files: made-up data in the shapes the ingest pipeline accepts, for `rpd demo`,
the tests and the benchmarks. Not part of the pipeline: nothing in `ingest` imports it but `cli`.

- `landing`: the contract register (the referral service's real contracts with invented values and
  volumes), voluntary organisations and RPD forums, and `write_demo_files`, which writes them all.
- `referrals`: referrals in the service's two export shapes, and the quarterly KPI and financial
  returns that follow from them.
"""
