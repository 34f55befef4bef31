"""Reference data: the product's own lot of each contract type sits beside the service's files."""

from __future__ import annotations

from warehouse.refdata import lots, rows


def test_every_contract_type_has_exactly_one_lot():
    """contract_type_lots.csv lists each of the service's 36 contract types once, and no other."""
    listed = [r["contract_type_code"] for r in rows("contract_type_lots")]
    assert len(listed) == len(set(listed)) == 36
    assert set(listed) == {r["contract_type_code"] for r in rows("contract_types")}


def test_lots_group_the_regional_variants_of_a_contract_type():
    """Women's services come under three codes; the regional D&R and FBD types join their lot."""
    assert {lots()[code] for code in ("WOS", "WSM", "WSM2")} == {"Women's Services"}
    assert lots()["DNR-NEN"] == lots()["DNR"] == "Dependency and Recovery"
    assert lots()["FBD-TA"] == "Finance, Benefit and Debt"
    assert sorted(set(lots().values())) == [
        "Accommodation",
        "Dependency and Recovery",
        "Education, Training and Employment",
        "Finance, Benefit and Debt",
        "Mentoring",
        "Personal Wellbeing",
        "Women's Services",
    ]
