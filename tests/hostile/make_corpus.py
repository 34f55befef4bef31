"""Writes the hostile-input corpus (tests/hostile/files/) from the valid rows of tests/builders.py.

Each file breaks one thing, or is an awkward but legitimate way of writing a good file. What each
one must produce is in tests/hostile/cases.toml. The files are committed; run this to rebuild them
after changing a builder:  .venv/bin/python -m tests.hostile.make_corpus

The 200 MB file is never committed: tests/integration/test_hostile_corpus.py writes it at test time.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ingest.sources import source
from tests import builders as b

FILES = Path(__file__).parent / "files"


def csv_text(source_name: str, rows: list[dict], *, headers: list[str] | None = None) -> str:
    """CSV text (CRLF line ends, as Python's csv module and Excel write) of `rows` under the source's header."""
    headers = headers or source(source_name).headers
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue()


def csv_bytes(source_name: str, rows: list[dict], **kw) -> bytes:
    return csv_text(source_name, rows, **kw).encode("utf-8")


def xlsx(sheets: dict[str, pd.DataFrame], after: Callable | None = None) -> bytes:
    """A workbook written by xlsxwriter; `after(workbook, sheets_by_name)` may add merges or formulas."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        if after:
            after(writer.book, writer.sheets)
    return out.getvalue()


def frame(source_name: str, rows: list[dict]) -> pd.DataFrame:
    headers = source(source_name).headers
    return pd.DataFrame([[r.get(h, "") for h in headers] for r in rows], columns=headers)


# Rows that would load against the baseline warehouse of the corpus test (see cases.toml).
def contracts_rows() -> list[dict]:
    return [b.contract(contract_ref="PRJ_0101", intervention_title="Hostile corpus contract")]


def referrals(**over) -> list[dict]:
    return [b.referral(1, **over), b.referral(2)]


def corpus() -> dict[str, bytes]:
    c_head = source("contracts").headers
    k_head = source("kpi_returns").headers
    files: dict[str, bytes] = {}

    # -- readable at all? ---------------------------------------------------------------------
    files["empty.csv"] = b""
    files["blank-lines-only.csv"] = b"\r\n\r\n   \r\n"
    files["contracts-header-only.csv"] = csv_bytes("contracts", [])
    files["kpi-header-only.xlsx"] = xlsx({"KPIs": frame("kpi_returns", [])})
    files["attendance-semicolons.csv"] = (
        csv_text("forum_attendance", [b.attendance()]).replace(",", ";").encode()
    )
    files["kpi-tabs.csv"] = csv_text("kpi_returns", [b.kpi()]).replace(",", "\t").encode()
    files["meetings-pipes.csv"] = (
        csv_text("forum_meetings", [b.meeting()]).replace(",", "|").encode()
    )
    files["contracts-utf16.csv"] = csv_text("contracts", contracts_rows()).encode("utf-16")
    files["finance-bad-encoding.csv"] = csv_bytes("financial_returns", [b.finance()]).replace(
        b"Reserves", b"Reserves \x81\x8d"
    )
    files["organisations-mac-roman.csv"] = csv_text(
        "organisations", [b.organisation(org_name="Caf\u00e9 Women\u2019s Trust")]
    ).encode("mac_roman")
    files["kpi-truncated.csv"] = csv_bytes(
        "kpi_returns", [b.kpi(), b.kpi(kpi_code="KPI2"), b.kpi(kpi_code="KPI3")]
    )[:-12]
    files["contracts-truncated-in-quote.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", intervention_title="Cut, short here")]
    ).split(b"short")[0]
    files["weekly-ragged-row.csv"] = csv_bytes(
        "referrals_weekly_extract", [b.weekly(1), b.weekly(2)]
    )
    files["weekly-ragged-row.csv"] = files["weekly-ragged-row.csv"].replace(
        b"pp.user1,", b"pp.user1,Smith, J,", 1
    )

    # -- not what the name says ---------------------------------------------------------------
    files["contracts-really-xlsx.csv"] = xlsx({"Contracts": frame("contracts", contracts_rows())})
    files["kpi-really-csv.xlsx"] = csv_bytes("kpi_returns", [b.kpi()])
    files["finance-really-pdf.csv"] = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 44 /Filter /FlateDecode >>\nstream\nx\x9c\x03\x00\x00\x00\x00\x01"
        b"\x00\x00\x00\x00\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    files["organisations-really-png.csv"] = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
        b"\x00\x00IEND\xaeB`\x82"
    )
    files["meetings-really-xls.xlsx"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    files["attendance-really-zip.xlsx"] = _zip(
        {"attendance.csv": csv_bytes("forum_attendance", [b.attendance()])}
    )
    files["referrals-html-export.xls"] = (
        b"<html><body><table><tr><td>referral_ref</td></tr></table></body></html>"
    )

    # -- header ---------------------------------------------------------------------------------
    files["kpi-missing-column.csv"] = csv_bytes(
        "kpi_returns", [b.kpi()], headers=[h for h in k_head if h != "target_pct"]
    )
    files["finance-extra-column.csv"] = (
        csv_text("financial_returns", [b.finance()])
        .replace("other_funding_source\r\n", "other_funding_source,notes\r\n")
        .replace("Reserves\r\n", "Reserves,paid late\r\n")
        .encode()
    )
    files["organisations-renamed-column.csv"] = csv_bytes(
        "organisations", [b.organisation()]
    ).replace(b"income_band", b"income_bnd", 1)
    files["contracts-trailing-empty-columns.csv"] = (
        csv_text("contracts", contracts_rows()).replace("\r\n", ",,\r\n").encode()
    )
    files["meetings-title-row-above-header.csv"] = b"RPD forum meetings 2026,,,,\r\n" + csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08")]
    )

    # -- values ---------------------------------------------------------------------------------
    files["kpi-count-as-pounds.csv"] = csv_bytes("kpi_returns", [b.kpi(numerator="£45")])
    files["kpi-negative-count.csv"] = csv_bytes("kpi_returns", [b.kpi(numerator="-5")])
    files["kpi-absurd-count.csv"] = csv_bytes(
        "kpi_returns", [b.kpi(numerator="45", denominator="52,000,000")]
    )
    files["referrals-absurd-sessions.csv"] = csv_bytes(
        "referrals_performance_report", referrals(count_of_sessions_expected="100000")
    )
    files["finance-money-in-millions.csv"] = csv_bytes(
        "financial_returns", [b.finance(contract_income_gbp="£1.2m")]
    )
    files["finance-absurd-amount.csv"] = csv_bytes(
        "financial_returns", [b.finance(full_delivery_cost_gbp="£900,000,000")]
    )
    files["meetings-future-date.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2027-01", meeting_date="2027-01-12")]
    )
    files["contracts-us-date.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", start_date="06/26/2021")]
    )
    files["meetings-impossible-date.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-04", meeting_date="31/04/2026")]
    )
    files["referrals-impossible-date.csv"] = csv_bytes(
        "referrals_performance_report", referrals(date_saa_first_completed="2026-02-30T10:00:00")
    )
    files["weekly-future-referral.csv"] = csv_bytes(
        "referrals_weekly_extract",
        [
            b.weekly(
                1,
                date_referral_received="2026-12-24T09:00:00",
                date_intervention_ended="",
                intervention_end_reason="",
                intervention_end_reason_code="",
                intervention_end_reason_description="",
                intervention_concluded_at="",
            )
        ],
    )

    # -- keys and references --------------------------------------------------------------------
    files["contracts-duplicate-key.csv"] = csv_bytes(
        "contracts", contracts_rows() + contracts_rows()
    )
    files["weekly-duplicate-key.csv"] = csv_bytes(
        "referrals_weekly_extract",
        [b.weekly(1), b.weekly(2, referral_id=b.weekly(1)["referral_id"])],
    )
    files["attendance-duplicate-key.csv"] = csv_bytes(
        "forum_attendance", [b.attendance(), b.attendance()]
    )
    files["referrals-unknown-contract.csv"] = csv_bytes(
        "referrals_performance_report", [b.referral(1, contract_ref="PRJ_9999")]
    )
    files["finance-unknown-contract.csv"] = csv_bytes(
        "financial_returns", [b.finance(contract_ref="PRJ_4040")]
    )
    files["contracts-unknown-region.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", region_code="M")]
    )
    files["contracts-unknown-pcc-area.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", pcc_area_codes="gotham")]
    )
    files["contracts-unknown-lot.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", contract_type_code="LOT9")]
    )
    files["organisations-unknown-region.csv"] = csv_bytes(
        "organisations", [b.organisation(regions_served="B;N")]
    )
    files["attendance-unknown-organisation.csv"] = csv_bytes(
        "forum_attendance", [b.attendance(org_id="CH7777777")]
    )
    files["referrals-assigned-before-sent.csv"] = csv_bytes(
        "referrals_performance_report", referrals(date_saa_first_arranged="2026-05-03T16:00:00")
    )
    files["weekly-plan-before-sent.csv"] = csv_bytes(
        "referrals_weekly_extract",
        [b.weekly(1, date_first_action_plan_submitted="2026-06-01T09:00:00")],
    )

    # -- personal details -----------------------------------------------------------------------
    files["organisations-surname-column.csv"] = csv_bytes(
        "organisations",
        [b.organisation() | {"Surname": "Smith"}],
        headers=[*source("organisations").headers, "Surname"],
    )
    files["referrals-date-of-birth-column.csv"] = csv_bytes(
        "referrals_performance_report",
        [r | {"Date of Birth": "01/02/1980"} for r in referrals()],
        headers=[*source("referrals_performance_report").headers, "Date of Birth"],
    )
    files["kpi-ni-number-column.csv"] = csv_bytes(
        "kpi_returns",
        [b.kpi() | {"NI Number": "QQ123456C"}],
        headers=[*k_head, "NI Number"],
    )
    files["finance-crn-column.csv"] = csv_bytes(
        "financial_returns",
        [b.finance() | {"CRN": "X123456"}],
        headers=[*source("financial_returns").headers, "CRN"],
    )
    files["contracts-crn-in-title.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", intervention_title="Pilot for X123456")]
    )
    files["finance-ni-number-in-text.csv"] = csv_bytes(
        "financial_returns", [b.finance(other_funding_source="Grant for jk 12 34 56 c")]
    )
    files["meetings-crn-in-topic.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08", topic="Case of crn y654321")]
    )
    files["weekly-crn-in-dropped-column.csv"] = csv_bytes(
        "referrals_weekly_extract", [b.weekly(1, relevant_sentence_id="Z765432")]
    )

    # -- formulas -------------------------------------------------------------------------------
    files["organisations-hyperlink-formula.csv"] = csv_bytes(
        "organisations", [b.organisation(org_name='=HYPERLINK("http://evil.example","Click")')]
    )
    files["meetings-plus-formula.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08", topic="+cmd|'/c calc'!A0")]
    )
    files["weekly-at-formula.csv"] = csv_bytes(
        "referrals_weekly_extract", [b.weekly(1, crs_provider_id="@SUM(1+1)*cmd")]
    )

    # -- workbooks ------------------------------------------------------------------------------
    files["contracts-two-data-sheets.xlsx"] = xlsx(
        {
            "Contracts": frame("contracts", contracts_rows()),
            "Old": frame("contracts", [b.contract(contract_ref="PRJ_0102")]),
        }
    )

    def merge_first_two(book, sheets):
        sheet = sheets["Returns"]
        # Two KPIs of one contract, its contract_ref merged down A2:A3 as people do (Excel keeps A2 only).
        sheet.merge_range("A2:A3", "PRJ_0001")

    files["kpi-merged-cells.xlsx"] = xlsx(
        {"Returns": frame("kpi_returns", [b.kpi(), b.kpi(kpi_code="KPI2", contract_ref=None)])},
        merge_first_two,
    )

    def formulas(book, sheets):
        sheet = sheets["Finance"]
        # full_delivery_cost_gbp = income + other funding, as a formula with no saved result.
        sheet.write_formula("D2", "=C2+E2")

    files["finance-formula-cells.xlsx"] = xlsx(
        {
            "Finance": frame(
                "financial_returns",
                [
                    b.finance(
                        contract_income_gbp=300000,
                        full_delivery_cost_gbp=330000,
                        other_funding_gbp=30000,
                    )
                ],
            )
        },
        formulas,
    )

    unnamed = frame("organisations", [b.organisation()])
    unnamed[""] = ["checked by Sam"]
    files["organisations-unnamed-column.xlsx"] = xlsx({"Orgs": unnamed})

    def hyperlink_formula(book, sheets):
        sheets["Orgs"].write_formula(
            "B2", '=HYPERLINK("http://evil.example","Mersey Women")', None, "Mersey Women"
        )

    files["organisations-formula-with-result.xlsx"] = xlsx(
        {"Orgs": frame("organisations", [b.organisation()])}, hyperlink_formula
    )

    # -- legitimate: must load ------------------------------------------------------------------
    files["ok-finance-cp1252-pounds.csv"] = csv_text(
        "financial_returns",
        [
            b.finance(
                quarter="2026-Q3",
                contract_income_gbp="£1,234,567",
                full_delivery_cost_gbp="£1,300,000.50",
                other_funding_gbp="£65,432.50",
                other_funding_source="Women’s centre reserves – café",
            )
        ],
    ).encode("cp1252")
    files["ok-organisations-bom.csv"] = b"\xef\xbb\xbf" + csv_bytes(
        "organisations", [b.organisation(org_id="CH1000003", org_name="Bom Trust")]
    )
    files["ok-referrals-mixed-line-endings.csv"] = _mixed_endings(
        csv_text(
            "referrals_performance_report",
            [
                b.referral(
                    n,
                    contract_ref="PRJ_0002",
                    organisation_id="WOMEN",
                    date_referral_received="2026-06-03T10:00:00",
                    date_saa_first_arranged="2026-06-04T10:00:00",
                    date_saa_first_scheduled_for="2026-06-08T10:00:00",
                    date_saa_first_attended="2026-06-08T10:00:00",
                    date_saa_first_completed="2026-06-08T10:00:00",
                    date_first_action_plan_submitted="2026-06-12T10:00:00",
                    date_of_first_action_plan_approval="2026-06-13T10:00:00",
                    date_of_first_attended_session="2026-06-20T10:00:00",
                )
                for n in (11, 12, 13, 14)
            ],
        )
    )
    files["ok-contracts-quoted-newline.csv"] = csv_bytes(
        "contracts",
        [b.contract(contract_ref="PRJ_0101", intervention_title="Line one\nline two, with comma")],
    )
    files["ok-kpi-reordered-columns.csv"] = csv_bytes(
        "kpi_returns", [b.kpi(quarter="2026-Q3")], headers=list(reversed(k_head))
    )
    files["ok-meetings-renamed-case-and-spaces.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08")]
    ).replace(b"meeting_id,region_code,meeting_date", b"Meeting ID,Region-Code,MEETING DATE", 1)
    files["ok-kpi-counts-with-commas.csv"] = csv_bytes(
        "kpi_returns",
        [b.kpi(quarter="2026-Q1", numerator="1,200", denominator="1,500", target_pct="85%")],
    )
    files["ok-contracts-notes-sheet.xlsx"] = xlsx(
        {
            "Read me": pd.DataFrame({"notes": ["Register as at November"]}),
            "Register": frame("contracts", [b.contract(contract_ref="PRJ_0103")]),
        }
    )
    files |= issue_13_rules()

    # -- issue 13: identifiers that must never be kept or shown in clear ---------------------------
    # A CRN typed into a date, a number, a yes/no and a money column.
    files["referrals-crn-in-date.csv"] = csv_bytes(
        "referrals_performance_report", referrals(date_saa_first_completed="W222222")
    )
    files["referrals-crn-in-number.csv"] = csv_bytes(
        "referrals_performance_report", referrals(outcomes_achieved="W333333")
    )
    files["referrals-crn-in-yesno.csv"] = csv_bytes(
        "referrals_performance_report", referrals(saa_attended_on_time="W444444")
    )
    files["finance-crn-in-money.csv"] = csv_bytes(
        "financial_returns", [b.finance(contract_income_gbp="W555555")]
    )
    # One extra column (a date of birth) before service_user_crn in every row, under the usual
    # header: each row's CRN lands in date_referral_received, its date of birth in service_user_crn.
    w_head = list(source("referrals_weekly_extract").headers)
    shifted = csv_text("referrals_weekly_extract", [], headers=w_head)
    for n, born in ((1, "14/03/1985"), (2, "02/11/1979")):
        values = [b.weekly(n)[h] for h in w_head]
        at = w_head.index("service_user_crn")
        values = [*values[:at], born, *values[at:]][: len(w_head)]
        shifted += csv_text("referrals_weekly_extract", [], headers=values)
    files["weekly-extra-column-before-crn.csv"] = shifted.encode()
    files["weekly-crn-as-column-header.csv"] = csv_bytes(
        "referrals_weekly_extract",
        [b.weekly(1) | {"Y123456": "seen"}],
        headers=[*w_head, "Y123456"],
    )
    files["referrals-names-dob-birth-columns.csv"] = csv_bytes(
        "referrals_performance_report",
        [
            r | {"Names": name, "D.O.B": dob, "Birth": born}
            for r, name, dob, born in zip(
                referrals(),
                ("Marjorie Quennell", "Tobias Vanstone"),
                ("14/03/1985", "02/11/1979"),
                ("1985-03-14", "1979-11-02"),
                strict=True,
            )
        ],
        headers=[*source("referrals_performance_report").headers, "Names", "D.O.B", "Birth"],
    )
    files["referrals-no-header-row.csv"] = "".join(
        csv_text("referrals_performance_report", [], headers=list(r.values()))
        for r in referrals(service_user_crn="V246810")
    ).encode()
    files["meetings-ni-number-in-date.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08", meeting_date="JK 12 34 56 C")]
    )
    files["contracts-ni-number-in-title.csv"] = csv_bytes(
        "contracts",
        [b.contract(contract_ref="PRJ_0101", intervention_title="Referral for AB123456C")],
    )
    files["referrals-dob-in-date.csv"] = csv_bytes(
        "referrals_performance_report", referrals(date_saa_first_completed="1985-03-14T00:00:00")
    )
    _ = c_head
    return files


# -- issue 13: every documented rule enforced, spreadsheet values read as their sender meant ----------
def issue_13_rules() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    no_bands = {k: "" for k in b.NO_BANDS}
    files["contracts-bands-and-cap-without-band-1.csv"] = csv_bytes(
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_0101",
                annual_volume_cap="1400",
                **no_bands | {"band_2_upto": "1300", "band_2_payment_gbp": "£1,200,000"},
            )
        ],
    )
    files["contracts-band-2-missing.csv"] = csv_bytes(
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_0101",
                band_2_upto="",
                band_2_payment_gbp="",
                band_3_upto="1400",
                band_3_payment_gbp="£1,300,000",
            )
        ],
    )
    files["contracts-subcontractors-with-commas.csv"] = csv_bytes(
        "contracts", [b.contract(contract_ref="PRJ_0101", subcontractor_codes="PACT,HIBISCUS")]
    )
    files["kpi-minus-digit-formula.csv"] = csv_bytes(
        "kpi_returns", [b.kpi(kpi_name="-1+cmd|' /C calc'!A0")]
    )
    files["meetings-minus-digit-sum.csv"] = csv_bytes(
        "forum_meetings", [b.meeting(meeting_id="B-2026-08", topic="-2+3")]
    )
    files["kpi-quarter-before-2021.csv"] = csv_bytes("kpi_returns", [b.kpi(quarter="2020-Q4")])
    files["referrals-missed-appointment-in-future.csv"] = csv_bytes(
        "referrals_performance_report", referrals(date_saa_first_not_attended="2027-01-05T10:00:00")
    )
    # Rows pasted together from a 'CSV UTF-8' file (row 2) and an older Excel 'CSV' (row 3).
    files["organisations-mixed-encodings.csv"] = csv_text(
        "organisations",
        [b.organisation(org_name="Café Women"), b.organisation(org_id="CH1000002")],
    ).encode("utf-8") + csv_text(
        "organisations", [b.organisation(org_id="CH1000004", org_name="Café Men")]
    ).split("\r\n", 1)[1].encode("cp1252")

    def formula_attributes_reordered(book, sheets):
        sheets["Finance"].write_formula(
            _cell("financial_returns", "full_delivery_cost_gbp"), "=1+1"
        )

    finance = frame("financial_returns", [b.finance()])
    reordered = xlsx({"Finance": finance}, formula_attributes_reordered)
    ref = _cell("financial_returns", "full_delivery_cost_gbp").encode()
    # Excel writes a formula cell's attributes in any order: the style first here.
    files["finance-formula-attributes-reordered.xlsx"] = _edit_sheet(
        reordered, rb'<c r="' + ref + rb'"><f>', rb'<c s="0" r="' + ref + rb'"><f>'
    )
    source_ref = _cell("financial_returns", "other_funding_source").encode()
    files["finance-error-cell.xlsx"] = _edit_sheet(
        xlsx({"Finance": finance}),
        re.compile(rb'<c r="' + source_ref + rb'"[^>]*>.*?</c>'),
        rb'<c r="' + source_ref + rb'" t="e"><v>#N/A</v></c>',
    )

    def money_cells(*values):
        def write(book, sheets):
            money = book.add_format({"num_format": "£#,##0.00"})
            for column, value in zip(
                ("contract_income_gbp", "full_delivery_cost_gbp", "other_funding_gbp"),
                values,
                strict=True,
            ):
                sheets["Finance"].write_number(_cell("financial_returns", column), value, money)

        return write

    quarter = frame("financial_returns", [b.finance(quarter="2025-Q4")])
    # What 'paste as values' leaves of a sum: binary noise far below a penny.
    files["ok-finance-money-binary-noise.xlsx"] = xlsx(
        {"Finance": quarter}, money_cells(51150.00000000001, 54960.0, 3809.9999999999995)
    )
    files["finance-money-third-decimal.xlsx"] = xlsx(
        {"Finance": frame("financial_returns", [b.finance()])},
        money_cells(51150.005, 54960.0, 3810.0),
    )

    def percent_target(book, sheets):
        percent = book.add_format({"num_format": "0%"})
        sheets["KPIs"].write_number(_cell("kpi_returns", "target_pct"), 0.9, percent)

    files["ok-kpi-target-percent-cell.xlsx"] = xlsx(
        {"KPIs": frame("kpi_returns", [b.kpi(quarter="2025-Q4")])}, percent_target
    )
    return files


def _cell(source_name: str, column: str, row: int = 2) -> str:
    """The cell reference of `column` on sheet row `row` (the header is row 1), by the source's header."""
    index = source(source_name).headers.index(column)
    return f"{chr(65 + index)}{row}"


def _edit_sheet(workbook: bytes, old: bytes | re.Pattern, new: bytes) -> bytes:
    """The workbook with its first sheet's XML edited once, as another spreadsheet program writes it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as book, zipfile.ZipFile(out, "w") as edited:
        for name in book.namelist():
            data = book.read(name)
            if name == "xl/worksheets/sheet1.xml":
                found = (
                    data.replace(old, new, 1) if isinstance(old, bytes) else old.sub(new, data, 1)
                )
                assert found != data, "the edit did not apply"
                data = found
            edited.writestr(name, data)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _mixed_endings(text: str) -> bytes:
    """Alternate CRLF, LF and CR-less lines, as when rows from two systems are pasted together."""
    lines = text.split("\r\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        out.append(line + ("\r\n" if i % 2 else "\n"))
    return "".join(out).encode()


def write(folder: Path = FILES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in corpus().items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write():
        print(p.relative_to(Path.cwd()) if p.is_relative_to(Path.cwd()) else p)
