"""A few simulated users at once (real AppTest sessions, one process each) browse, filter and raise
or review flags while a refresh publishes: no errors, no flag lost, the refresh lands. `make soak`
runs 20 users on the demo data (tests/load.py)."""

from __future__ import annotations

import shutil

import pytest

from tests import builders as b
from tests.load import run


@pytest.mark.slow
def test_users_at_once_during_a_refresh(access_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(access_warehouse.data_dir, data_dir)
    new_file = b.write_csv(
        tmp_path / "more" / "contracts.csv", "contracts", [b.contract(contract_ref="PRJ_LOAD")]
    )
    found = run(data_dir, users=5, new_file=new_file)
    assert found["errors"] == []
    # Users 0 and 3 are providers: each raised one flag, and both are stored.
    assert found["flags_confirmed"] == 2
    assert found["flags_stored"] == 2
    assert found["refresh_ok"]
    assert found["version_after"] == found["version_before"] + 1
    # 5 users: overview, a filter change (if they have regions), volume, then flags+raise or triage.
    assert found["interactions"] >= 5 * 3
